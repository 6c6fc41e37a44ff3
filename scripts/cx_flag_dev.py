"""Issue 18 (exploration): on STC-3 dev, the share whose mean satisfaction S < 0, and the CX value cut
that flags the same share, with its precision and recall. Dev only."""

from __future__ import annotations

import sys
from pathlib import Path

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
engine = ScoringEngine(default_scorecard())
reviews = engine.score([i.conversation for i in items])
holder = {r.conversation_id: r for r in reviews}
values = [holder[i.conversation.id].cx.value for i in items]  # type: ignore[union-attr]
unhappy = [i.labels["S"] < 0 for i in items]
share = sum(unhappy) / len(items)
flagged_now = sum(v < 3.5 for v in values) / len(values)
print(f"dev n={len(items)} share S<0: {share:.3f}; flagged now (CX<=3): {flagged_now:.3f}")
cut = sorted(values)[round(share * len(values)) - 1]
flag = [v <= cut for v in values]
tp = sum(f and u for f, u in zip(flag, unhappy, strict=True))
precision, recall = tp / sum(flag), tp / sum(unhappy)
print(f"cut at value {cut:.3f}: flagged {sum(flag) / len(flag):.3f}, ", end="")
print(f"precision {precision:.3f}, recall {recall:.3f}")
