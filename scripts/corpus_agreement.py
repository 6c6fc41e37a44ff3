"""How far the regression corpus's two labelling passes agree, per criterion.

    python scripts/corpus_agreement.py [tests/data/regression]

Pairs the lines of `labels-pass1-<x>.jsonl` and `labels-pass2-<x>.jsonl` by (conversation,
reviewee) and prints, per criterion: how many pairs both passes rated or marked N/A, how often they
agree on N/A vs rated, and — where both rated — agreement by the corpus's own rule (exact on binary
and 3-point scales, within one on 4- and 5-point) and Cohen's kappa (unweighted, on the rated pairs).
Only conversations both passes labelled are counted (a pass may be unfinished).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

SPAN = {"binary": 1, "3-point": 2, "4-point": 3, "5-point": 4}


def scales() -> dict[str, int]:
    """criterion key → scale span (max − min) of the packaged default scorecard."""
    import yaml

    card = Path(__file__).parent.parent / "src/supportqa/scorecards/default.yaml"
    data = yaml.safe_load(card.read_text())
    return {c["key"]: SPAN.get(str(c["scale"]), 2) for c in data["criteria"]} | {"cx": 4}


def lines(path: Path) -> dict[tuple[str, str], dict[str, Any]]:
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for raw in path.read_text().splitlines():
        if raw.strip():
            line = json.loads(raw)
            ratings = dict(line.get("ratings") or {})
            if "cx" in line:
                ratings["cx"] = line["cx"]
            found[(line["id"], line["reviewee"])] = ratings
    return found


def kappa(pairs: list[tuple[float, float]]) -> float | None:
    if not pairs:
        return None
    observed = sum(a == b for a, b in pairs) / len(pairs)
    left, right = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(left[k] * right[k] for k in left) / len(pairs) ** 2
    return None if expected == 1 else (observed - expected) / (1 - expected)


def main(folder: Path) -> None:
    first: dict[tuple[str, str], dict[str, Any]] = {}
    second: dict[tuple[str, str], dict[str, Any]] = {}
    for path in sorted(folder.glob("labels-pass2-*.jsonl")):
        second |= lines(path)
        first |= lines(path.with_name(path.name.replace("pass2", "pass1")))
    done = {cid for cid, _ in second}
    keys = [k for k in first if k[0] in done]
    print(f"{len(done)} conversations, {len(keys)} reviewee lines labelled by both passes")
    print(f"{'criterion':22} {'both':>5} {'N/A agree':>9} {'rated':>6} {'agree':>6} {'kappa':>6}")
    for criterion, span in scales().items():
        both = [
            (first[k][criterion], second[k][criterion])
            for k in keys
            if criterion in first[k] and k in second and criterion in second[k]
        ]
        if not both:
            continue
        na_agree = sum((a is None) == (b is None) for a, b in both) / len(both)
        rated = [(float(a), float(b)) for a, b in both if a is not None and b is not None]
        tolerance = 1 if span >= 3 else 0
        agree = sum(abs(a - b) <= tolerance for a, b in rated) / len(rated) if rated else None
        k = kappa(rated)
        shown = ("–" if agree is None else f"{agree:.2f}", "–" if k is None else f"{k:.2f}")
        print(
            f"{criterion:22} {len(both):>5} {na_agree:>9.2f} {len(rated):>6} {shown[0]:>6} {shown[1]:>6}"
        )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("tests/data/regression"))
