"""Paths derived from data stay inside their folder.

A scorecard's name and version, a training target and similar values come from files people write
(or from a database someone else filled); they end up in file names such as
`scorecard-<name>-v<version>.yaml`. Validation keeps new names clean, but a file name built from data
is only safe if the path it makes is checked too: `confined` is that check, used by every writer
that derives a path from data.
"""

from __future__ import annotations

from pathlib import Path

from supportqa.errors import InputError


def confined(base: Path, *parts: str) -> Path:
    """`base / parts...`, resolved, or an InputError when the result is not strictly inside `base`
    (`..`, an absolute part, a symlink pointing out)."""
    root = base.expanduser().resolve()
    target = root.joinpath(*parts).resolve()
    if target == root or not target.is_relative_to(root):
        shown = "/".join(parts)
        raise InputError(
            f"{shown!r} would write outside {root} (resolves to {target}): refused; a name used "
            "in a file name may hold only letters, digits, '-' and '_'"
        )
    return target
