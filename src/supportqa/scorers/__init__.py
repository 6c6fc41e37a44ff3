"""Scorers: registered factories that rate criteria from a conversation's signals."""

from supportqa.scorers.registry import BoundScorer, bind, registered, scorer

__all__ = ["BoundScorer", "bind", "registered", "scorer"]
