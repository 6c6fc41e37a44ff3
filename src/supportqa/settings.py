"""All settings in one pydantic-settings class (`SUPPORTQA_` env prefix), passed explicitly."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Defaults for a fresh working directory; the CLI exposes the same settings as flags."""

    model_config = SettingsConfigDict(env_prefix="SUPPORTQA_", extra="ignore")

    db: str = "supportqa.db"
    """SQLAlchemy URL or a SQLite file path."""

    scorecard: str | None = None
    """Path of a scorecard YAML to use instead of the packaged default."""

    batch_size: int = 500
    """Conversations scored and written per transaction (a killed run loses at most one batch)."""
