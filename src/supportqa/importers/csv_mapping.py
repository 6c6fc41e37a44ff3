"""How to read a conversation CSV: which column is which, role words, time format, and file settings
— from a mapping YAML (`--csv-mapping`) or CLI flags."""

from __future__ import annotations

import codecs
from collections.abc import Iterable
from datetime import tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from supportqa.domain.conversation import Role
from supportqa.errors import ConfigError


class CsvColumns(BaseModel):
    """Header names for each field; unset fields are found by the default names."""

    model_config = ConfigDict(extra="forbid")

    conversation_id: str | None = None
    role: str | None = None
    text: str | None = None
    at: str | None = None
    author_id: str | None = None
    author_name: str | None = None
    channel: str | None = None
    subject: str | None = None
    agent_id: str | None = None
    agent_name: str | None = None
    team: str | None = None
    customer_id: str | None = None
    customer_name: str | None = None
    csat: str | None = None
    status: str | None = None
    source: str | None = None
    closed_at: str | None = None
    tags: str | None = None
    internal: str | None = None
    public: str | None = None


class CsvMapping(BaseModel):
    """How to read a CSV: which column is which, role words, time format, and file settings."""

    model_config = ConfigDict(extra="forbid")

    columns: CsvColumns = Field(default_factory=CsvColumns)
    role_map: dict[str, Role] = Field(default_factory=dict)
    time_format: str | None = None
    timezone: str | None = None
    delimiter: str | None = Field(default=None, min_length=1, max_length=1)
    encoding: str = "utf-8-sig"
    source: str = Field(default="csv", min_length=1)
    channel: str | None = None
    csat_scale: int = Field(default=5, ge=2)
    internal_values: list[str] = Field(default_factory=list)
    channel_map: dict[str, str] = Field(default_factory=dict)
    metadata_columns: list[str] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"unknown time zone {value!r} (use an IANA name)") from None
        return value

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        try:
            codecs.lookup(value)
        except LookupError:
            raise ValueError(f"unknown encoding {value!r}") from None
        return value

    def zone(self) -> tzinfo | None:
        return ZoneInfo(self.timezone) if self.timezone else None


def load_mapping(path: str | Path) -> CsvMapping:
    """Read a mapping YAML; a ConfigError names the file and the key at fault."""
    file = Path(path)
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{file}: cannot open ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{file}: not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{file}: expected a mapping of keys (columns, role_map, ...)")
    try:
        return CsvMapping.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            key = ".".join(str(p) for p in error["loc"])
            message = "unknown key" if error["type"] == "extra_forbidden" else error["msg"]
            problems.append(f"{key}: {message}")
        raise ConfigError(f"{file}: " + "; ".join(problems)) from None


def mapping_from_options(
    columns: Iterable[str] = (),
    roles: Iterable[str] = (),
    *,
    base: CsvMapping | None = None,
    **settings: Any,
) -> CsvMapping:
    """A mapping from CLI flags: `FIELD=Header` columns, `word=role` roles, other settings by name."""
    data = (base or CsvMapping()).model_dump(exclude_unset=True)
    for option, target in ((columns, "columns"), (roles, "role_map")):
        for pair in option:
            key, sep, value = pair.partition("=")
            if not sep or not key.strip():
                raise ConfigError(f"{target}: expected NAME=VALUE, got {pair!r}")
            data.setdefault(target, {})[key.strip()] = value.strip()
    data.update({k: v for k, v in settings.items() if v is not None})
    try:
        return CsvMapping.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"CSV mapping option {key}: {first['msg']}") from None
