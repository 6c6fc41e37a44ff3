"""Issue 18: fit the default scorecard's CX cuts on STC-3 dev (dev only; never the test split).

The share whose mean satisfaction S < 0 is the target: the third cut flags that share, the others
are rounding's rescaled (`supportqa.calibration.cx_flag`). Prints the cuts to put in
src/supportqa/scorecards/default.yaml and the flag's figures before (plain rounding) and after.

    PYTHONPATH=src .venv/bin/python scripts/cx_flag_dev.py /work/shared/data
"""

from __future__ import annotations

import sys
from pathlib import Path

from supportqa.calibration.cx_flag import fit_cx_cuts
from supportqa.domain.detectors import CxConfig
from supportqa.domain.scorecard import default_scorecard
from supportqa.evaluation.base import split
from supportqa.evaluation.stc3 import load_stc3
from supportqa.scoring.engine import ScoringEngine

data = Path(sys.argv[1])
items = [
    i
    for i in load_stc3(data / "stc3-dq" / "train_data_en.json")
    if split(i.conversation.id) == "dev"
]
card = default_scorecard()
reviews = ScoringEngine(card).score([i.conversation for i in items])
holder = {r.conversation_id: r for r in reviews}  # the last review: the participant who held it
values = [holder[i.conversation.id].cx.value for i in items]  # type: ignore[union-attr]
unhappy = [float(i.labels["S"] or 0) < 0 for i in items]
fit = fit_cx_cuts(values, unhappy, card.cx.model_copy(update={"cuts": None}))
print(f"STC-3 dev: n={fit.n}, share with S < 0: {fit.target_share:.4f}")
print(f"cuts: {list(fit.cuts)}  (scorecard {card.name} v{card.version} has {card.cx.cuts})")
for name, cuts, f in (
    ("rounding", fit.cuts_before, fit.before),
    ("fitted", fit.cuts, fit.after),
):
    print(
        f"{name:8} {list(cuts)}: flagged {f.flagged_share:.4f}, precision {f.precision:.4f}, "
        f"recall {f.recall:.4f}"
    )
if card.cx.cuts is not None:
    now = fit_cx_cuts(values, unhappy, CxConfig(cuts=card.cx.cuts)).before
    print(
        f"scorecard's own cuts: flagged {now.flagged_share:.4f}, precision {now.precision:.4f}, "
        f"recall {now.recall:.4f}"
    )

# The outer cuts: with the third cut fixed (it alone decides the flag), the cuts 1/2, 2/3 and 4/5 that
# agree best with S on 1–5 (quadratic-weighted kappa, S rounded half up from −2..2 to 1..5), on a
# 0.05 grid — dev only. The flag's figures do not move.
from supportqa.calibration.agreement import cohen_kappa  # noqa: E402
from supportqa.scoring.cx import round_half_up  # noqa: E402

s_levels = [float(min(5, max(1, round_half_up(float(i.labels["S"] or 0) + 3)))) for i in items]
levels = [1.0, 2.0, 3.0, 4.0, 5.0]
third = fit.cuts[2]


def agreement(cuts: tuple[float, float, float, float]) -> float:
    scores = [float(1 + sum(v >= c for c in cuts)) for v in values]
    return float(cohen_kappa(scores, s_levels, weights="quadratic", labels=levels))


grid = [round(1.05 + 0.05 * k, 2) for k in range(80)]
best = max(
    (
        (agreement((c1, c2, third, c4)), (c1, c2, third, c4))
        for c1 in grid
        if c1 < third
        for c2 in grid
        if c1 < c2 < third
        for c4 in grid
        if third < c4 < 5
    ),
    key=lambda pair: pair[0],
)
print(
    f"QWK with S levels: rescaled {agreement(fit.cuts):.4f}; grid best {best[0]:.4f} at {best[1]}"
)
