"""Packaged scorecards (YAML)."""
