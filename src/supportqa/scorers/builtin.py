"""Imports every built-in scorer module so their `@scorer` decorators register them."""

from supportqa.scorers import rules  # noqa: F401
