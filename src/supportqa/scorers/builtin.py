"""Imports every built-in scorer module so their `@scorer` decorators register them."""

import supportqa.scorers.writing  # noqa: F401
from supportqa.scorers import compliance, model, rules, trained  # noqa: F401
from supportqa.scorers.judge import scorer as judge_scorer  # noqa: F401
