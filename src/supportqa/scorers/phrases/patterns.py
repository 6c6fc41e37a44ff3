"""Regexes built from plain phrase lists: a character trie per list, and word pairs."""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import product
from typing import Any


def alternation(phrases: Iterable[str]) -> str:
    """One non-capturing group matching any of `phrases`, built as a character trie so the regex
    engine tests one branch per character instead of every phrase at every position. Longer
    wordings win, so the quoted span is the fullest phrase."""
    trie: dict[str, Any] = {}
    for phrase in phrases:
        node = trie
        for char in " ".join(phrase.split()):
            node = node.setdefault(char, {})
        node[""] = {}
    return "(?:" + _trie_pattern(trie) + ")"


def _atom(char: str) -> str:
    if char == " ":
        return r"\s+"
    if char == "'":
        return "['’]"
    return re.escape(char)


def _trie_pattern(node: dict[str, Any]) -> str:
    branches = [_atom(char) + _trie_pattern(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


def pairs(firsts: Iterable[str], seconds: Iterable[str], link: str = "") -> list[str]:
    joint = f" {link} " if link else " "
    return [f"{a}{joint}{b}" for a, b in product(firsts, tuple(seconds))]
