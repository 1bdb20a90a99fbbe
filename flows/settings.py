"""Settings, read once at the edge: defaults in code, then broadsheet.toml, then environment.

Explicit command-line values win over all of them. Environment variables are BROADSHEET_<KEY>,
with "__" for nested keys: BROADSHEET_WAREHOUSE, BROADSHEET_EXTRACT__PAGE_TIMEOUT_SECONDS.
"""

import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from tasks.config import (
    DedupConfig,
    ExtractConfig,
    FetchConfig,
    RunConfig,
    ScheduleConfig,
    SourceConfig,
)
from tasks.io import UserError

DEFAULT_CONFIG = Path("broadsheet.toml")


class Settings(BaseSettings):
    """Everything a run can be told."""

    model_config = SettingsConfigDict(
        env_prefix="BROADSHEET_", env_nested_delimiter="__", extra="forbid", frozen=True
    )

    warehouse: Path = Path("warehouse")
    extract: ExtractConfig = ExtractConfig()
    run: RunConfig = RunConfig()
    dedup: DedupConfig = DedupConfig()
    fetch: FetchConfig = FetchConfig()
    sources: list[SourceConfig] = []
    schedule: ScheduleConfig = ScheduleConfig()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))


def _first_error(error: ValidationError, origin: str) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "settings"
    if first["type"] == "extra_forbidden":
        return f"{origin}: unknown setting '{where}' (check its spelling; see the README)"
    return f"{origin}: setting '{where}': {first['msg']}"


def load_settings(config_file: Path | None = None, **explicit: Any) -> Settings:
    """Read the settings; raise UserError with one line saying what is wrong.

    `config_file` must exist when given; without it, ./broadsheet.toml is read if present.
    `explicit` values (from flags) are used as given when not None.
    """
    path = config_file or DEFAULT_CONFIG
    if config_file is not None and not config_file.is_file():
        raise UserError(f"config file not found: {config_file}")
    try:
        if path.is_file():
            tomllib.loads(path.read_text())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as error:
        raise UserError(f"{path}: not valid TOML ({error})") from None

    class FromFile(Settings):
        model_config = SettingsConfigDict(toml_file=path if path.is_file() else None)

    try:
        return FromFile(**{k: v for k, v in explicit.items() if v is not None})
    except ValidationError as error:
        raise UserError(_first_error(error, str(path))) from None
