"""`openstack volume …` (python-openstackclient) against the emulator."""


def test_volume_create_show_list(flexemu, cli):
    created = cli(
        "volume",
        "create",
        "--size",
        "10",
        "--type",
        "SSD",
        "--availability-zone",
        "eu-west-0c",
        "cli-disk",
    )
    assert (created["size"], created["type"], created["status"]) == (10, "SSD", "creating")
    flexemu.advance("PT1M")
    shown = cli("volume", "show", "cli-disk")
    assert (shown["status"], shown["availability_zone"]) == ("available", "eu-west-0c")
    assert [v["Name"] for v in cli("volume", "list")] == ["cli-disk"]


def test_volume_type_list(cli):
    assert {t["Name"] for t in cli("volume", "type", "list")} == {"SATA", "SAS", "SSD"}


def test_image_list(cli):
    images = {image["Name"]: image for image in cli("image", "list", "--long")}
    assert {"OBS Ubuntu 18.04", "OBS Windows Server 2019 Standard"} <= set(images)
    assert images["OBS CentOS 7.9"]["Visibility"] == "public"


def test_extension_list_volume_names_the_cinder_extensions(cli):
    extensions = {e["Alias"]: e["Name"] for e in cli("extension", "list", "--volume", "--long")}
    assert extensions["os-types-manage"] == "TypesManage"
    assert extensions["backups"] == "Backups"
    assert extensions["OS-SCH-HNT"] == "SchedulerHints"
