"""Configuration: defaults, a TOML file, FLEXEMU_* variables, flags — in that order."""

from pathlib import Path

from emulator.config import load_settings


def test_file_then_environment_then_flags(tmp_path: Path, monkeypatch):
    config = tmp_path / "flexemu.toml"
    config.write_text(
        'port = 4700\nadmin_token = "from-file"\n'
        '[bootstrap]\ndomain = "OCB0000042"\nuser = "file-user"\n'
    )
    monkeypatch.setenv("FLEXEMU_ADMIN_TOKEN", "from-env")
    monkeypatch.setenv("FLEXEMU_BOOTSTRAP_USER", "env-user")
    monkeypatch.setenv("FLEXEMU_DELAYS", '{"volume_create": 2.5}')
    settings = load_settings(config, port=4800)
    assert settings.port == 4800
    assert settings.admin_token == "from-env"
    assert settings.bootstrap.domain == "OCB0000042"
    assert settings.bootstrap.user == "env-user"
    assert settings.delay("volume_create") == 2.5
    assert settings.delay("anything_else") == settings.default_delay


def test_defaults_are_the_documented_ones(monkeypatch):
    for name in ("FLEXEMU_PORT", "FLEXEMU_HOST", "FLEXEMU_ADMIN_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert (settings.host, settings.port, settings.admin_token) == (
        "127.0.0.1",
        4600,
        "flexemu-admin",
    )
    assert settings.state_dir == Path(".flexemu")
    assert settings.bootstrap.regions == ["eu-west-0", "eu-west-1"]
