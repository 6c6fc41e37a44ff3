"""The workspace's HTTP API (`/api/v1`), its app factory and authentication (`supportqa serve`)."""

from supportqa.api.app import create_app

__all__ = ["create_app"]
