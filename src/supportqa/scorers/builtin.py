"""Imports every built-in scorer module so their `@scorer` decorators register them."""

from supportqa.scorers import compliance, rules  # noqa: F401
