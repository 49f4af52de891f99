"""`openstack server …` (python-openstackclient) against the emulator."""


def test_server_list_names_the_image(flexemu, cli, boot):
    # The CLI looks the names up in one Glance call: GET /v2/images?id=in:<id>,<id>.
    boot("web")
    flexemu.advance("PT5M")
    assert [(s["Name"], s["Image"]) for s in cli("server", "list")] == [("web", "OBS Ubuntu 22.04")]
