"""Analyse once, score many: per-conversation signals computed once and shared by every scorer."""

from supportqa.signals.analysis import Analysis

__all__ = ["Analysis"]
