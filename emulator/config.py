"""Configuration: defaults, then a TOML file (--config), then FLEXEMU_* variables, then flags."""

import tomllib
from pathlib import Path
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Bootstrap(BaseSettings):
    """The account created on first start and handed to tests by the pytest fixture."""

    model_config = SettingsConfigDict(env_prefix="FLEXEMU_BOOTSTRAP_")

    domain: str = "OCB0000001"
    user: str = "admin"
    password: str = "flexemu-Passw0rd"
    access_key: str = "FLEXEMUACCESSKEY0001"
    secret_key: str = "flexemuSecretKey0000000000000000000000001"
    regions: list[str] = ["eu-west-0", "eu-west-1"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FLEXEMU_", env_nested_delimiter="__")

    host: str = "127.0.0.1"
    port: int = 4600
    state_dir: Path = Path(".flexemu")
    ephemeral: bool = False
    database_url: str | None = None
    admin_token: str = "flexemu-admin"
    default_region: str = "eu-west-0"
    # Extra regions (partner regions) with their AZs, merged into the shipped topology.
    extra_regions: dict[str, list[str]] = Field(default_factory=dict)
    # Accounts allowed into the SAP HANA region eu-westvp-28.
    sap_hana_domains: list[str] = Field(default_factory=list)
    token_hours: float = 24.0
    signature_skew_minutes: float = 15.0
    max_json_body: int = 1024 * 1024
    # Seconds a resource spends in a transitional status ("volume_create": 2.0 ...), on the
    # virtual clock. A key missing here falls back to `default_delay`.
    delays: dict[str, float] = Field(default_factory=dict)
    default_delay: float = 1.0
    # Seconds one backup operation (create, delete, restore) runs once it holds one of the
    # tenant's slots (FLEXEMU_BACKUP_SECONDS), on the virtual clock.
    backup_seconds: float = 5.0
    # Public (EIP) addresses per region: documentation and benchmarking ranges, never routable
    # blocks. A region missing here uses `default_public_ip_ranges`.
    public_ip_ranges: dict[str, list[str]] = Field(
        default_factory=lambda: {
            "eu-west-0": ["192.0.2.0/24", "198.18.0.0/16"],
            "eu-west-1": ["198.51.100.0/24", "198.19.0.0/16"],
        }
    )
    default_public_ip_ranges: list[str] = Field(default_factory=lambda: ["203.0.113.0/24"])
    # A JSON file of extra public images ({"images": [...]}, the shape of
    # apis/ims/public_images.json), merged into the shipped catalogue.
    public_images_file: Path | None = None
    # A CSV price table (region,meter,class,price) replacing the shipped sample prices.
    prices_file: Path | None = None
    bootstrap: Bootstrap = Field(default_factory=Bootstrap)

    def delay(self, name: str) -> float:
        return self.delays.get(name, self.default_delay)

    def public_ranges(self, region: str) -> list[str]:
        return self.public_ip_ranges.get(region, self.default_public_ip_ranges)

    @property
    def url(self) -> str:
        """The database: in memory when ephemeral, else the given URL, else "" (the state dir)."""
        return "sqlite://" if self.ephemeral else (self.database_url or "")


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    file_values: dict[str, Any] = {}
    if config_file is not None:
        with config_file.open("rb") as handle:
            file_values = tomllib.load(handle)
    env_values = Settings().model_dump(exclude_unset=True)
    bootstrap = {
        **file_values.get("bootstrap", {}),
        **Bootstrap().model_dump(exclude_unset=True),
    }
    flags = {key: value for key, value in overrides.items() if value is not None}
    return Settings.model_validate({**file_values, **env_values, **flags, "bootstrap": bootstrap})
