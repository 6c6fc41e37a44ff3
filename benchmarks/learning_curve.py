"""Draw the README's learning curve: trained CX agreement vs number of training reviews, per dataset.

    supportqa eval --mode cv5 --json > cv5.json      # or let this script run it (slower)
    python benchmarks/learning_curve.py --from-json cv5.json --out docs/img/learning_curve.png

Prints the figures it plots (ratios to the zero-shot scorer on the same conversations).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def _report(source: Path | None) -> dict[str, Any]:
    if source is not None:
        data: dict[str, Any] = json.loads(source.read_text())
        return data
    from supportqa.domain.scorecard import default_scorecard
    from supportqa.evaluation.base import shared_data_dir
    from supportqa.evaluation.run import EvalOptions, run_eval

    options = EvalOptions(data_dir=shared_data_dir(), mode="cv5", bootstrap=200)
    return run_eval(options, default_scorecard()).as_json()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--from-json", type=Path, help="output of `supportqa eval --mode cv5 --json`"
    )
    parser.add_argument("--out", type=Path, default=Path("docs/img/learning_curve.png"))
    args = parser.parse_args()
    report = _report(args.from_json)
    zero_shot = {
        row["dataset"]: row["zero_shot"]
        for row in report["rows"]
        if row["ours"] == "CX value (trained)"
    }
    figure, axis = plt.subplots(figsize=(7.5, 4.2), dpi=120)
    for dataset, points in report["curves"].items():
        sizes = [int(size) for size in points]
        values = list(points.values())
        line = axis.plot(sizes, values, marker="o", label=dataset)[0]
        if zero_shot.get(dataset) is not None:
            axis.axhline(zero_shot[dataset], color=line.get_color(), linestyle=":", linewidth=1)
        ratio = values[-1] / zero_shot[dataset] if zero_shot.get(dataset) else float("nan")
        cells = ", ".join(f"{s}: {v:.3f}" for s, v in zip(sizes, values, strict=True))
        print(
            f"{dataset}: {cells}; zero-shot {zero_shot.get(dataset)}; trained/zero-shot {ratio:.2f}"
        )
    axis.axhline(0.75, color="grey", linestyle="--", linewidth=1)
    axis.text(52, 0.76, "goal 0.75", color="grey", fontsize=8)
    axis.set_xscale("log")
    axis.set_ylim(0, 1)
    axis.set_xlabel("training reviews (log scale)")
    axis.set_ylabel("Spearman ρ with people (out-of-fold)")
    axis.set_title("Trained CX vs people, by number of training reviews\n(dotted: zero-shot)")
    axis.grid(alpha=0.3)
    axis.legend(fontsize=8, loc="lower right")
    figure.tight_layout()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
