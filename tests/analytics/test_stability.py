"""CX vs CSAT coverage and volatility, and IQS vs CSAT per team, recomputed in plain Python."""

from __future__ import annotations

import itertools
import math
import statistics

import pytest

from supportqa.analytics.frame import Frames
from supportqa.analytics.stability import external_metrics, stability
from tests.analytics.test_trends import make_frames

ROWS = [
    # week, team, cx, csat, iqs
    ("2026-W01", "A", 3.0, 4.0, 80.0),
    ("2026-W01", "A", 4.0, None, 70.0),
    ("2026-W02", "A", 3.5, 2.0, 60.0),
    ("2026-W03", "A", 3.0, None, 90.0),
    ("2026-W03", "A", 4.0, 5.0, 85.0),
    ("2026-W01", "B", 2.0, 5.0, 50.0),
    ("2026-W02", "B", 2.5, None, 55.0),
]


def frames() -> Frames:
    return make_frames(
        [{"week": w, "team": t, "cx": cx, "csat": cs, "iqs": q} for w, t, cx, cs, q in ROWS]
    )


def expected(
    rows: list[tuple[str, str, float, float | None, float]], col: int
) -> dict[str, object]:
    weekly: dict[str, list[float]] = {}
    for r in rows:
        if r[col] is not None:
            weekly.setdefault(r[0], []).append(float(r[col]))  # type: ignore[arg-type]
    means = [statistics.mean(weekly[w]) for w in sorted(weekly)]
    changes = [abs(b - a) for a, b in itertools.pairwise(means)]
    return {
        "covered": sum(len(v) for v in weekly.values()),
        "coverage": sum(len(v) for v in weekly.values()) / len(rows),
        "weekly_std": statistics.stdev(means) if len(means) > 1 else None,
        "mean_abs_wow_change": statistics.mean(changes) if changes else None,
    }


def test_coverage_and_volatility_overall_and_per_team() -> None:
    report = stability(frames())
    assert [r.scope for r in report.rows] == ["overall", "A", "B"]
    for row in report.rows:
        rows = [r for r in ROWS if row.scope in ("overall", r[1])]
        assert row.conversations == len(rows)
        for vol, col in ((row.cx, 2), (row.csat, 3)):
            want = expected(rows, col)
            for key, value in want.items():
                got = getattr(vol, key)
                assert got == pytest.approx(value) if value is not None else got is None, key


def test_csat_is_far_less_covered_than_cx_in_the_sample() -> None:
    overall = stability(frames()).rows[0]
    assert overall.cx.coverage == 1.0 and overall.csat.coverage == pytest.approx(4 / 7)
    flat = stability(frames()).flat()
    assert flat[0]["csat_covered"] == 4 and flat[1]["scope"] == "A"


def test_external_metrics_rank_teams_by_iqs_and_csat_disagreement() -> None:
    report = external_metrics(frames())
    assert report.missing == ["nps", "ces"] and report.available == ["csat"]
    assert report.notes and "NPS, CES" in report.notes[0]
    teams = {t.team: t for t in report.teams}
    assert teams["A"].iqs == pytest.approx(statistics.mean([80, 70, 60, 90, 85]))
    assert teams["B"].csat == pytest.approx(5.0) and teams["B"].csat_n == 1
    # A leads on IQS (77 vs 52.5) but trails on CSAT (3.67 vs 5): ranks swap, gap 1 each
    assert (teams["A"].iqs_rank, teams["A"].csat_rank, teams["A"].rank_gap) == (1, 2, 1)
    assert (teams["B"].iqs_rank, teams["B"].csat_rank) == (2, 1)
    weekly = {(t.team, t.week): t for t in report.weekly}
    assert weekly[("A", "2026-W01")].iqs == pytest.approx(75.0)
    assert weekly[("A", "2026-W01")].csat == pytest.approx(4.0)
    pairs = [(r[4], r[3]) for r in ROWS if r[3] is not None]
    xs, ys = [p[0] for p in pairs], [p[1] for p in pairs]
    mx, my = statistics.mean(xs), statistics.mean(ys)
    cov = sum((x - mx) * (y - my) for x, y in pairs)
    r = cov / math.sqrt(sum((x - mx) ** 2 for x in xs) * sum((y - my) ** 2 for y in ys))
    assert report.iqs_csat_correlation == pytest.approx(r) and report.correlation_n == 4


NPS_ROWS = [
    # week, team, iqs, csat, nps, ces (1–7)
    ("2026-W01", "A", 90.0, 2.0, 10.0, 3.0),
    ("2026-W01", "A", 85.0, None, 9.0, None),
    ("2026-W02", "A", 80.0, 3.0, 4.0, 2.0),
    ("2026-W01", "B", 60.0, 4.0, 10.0, 7.0),
    ("2026-W02", "B", 65.0, 5.0, 9.0, 6.0),
    ("2026-W02", "B", 55.0, None, 7.0, None),
    ("2026-W02", "C", 70.0, 4.0, None, None),
]


def nps(answers: list[float]) -> float:
    return 100 * (sum(a >= 9 for a in answers) - sum(a <= 6 for a in answers)) / len(answers)


def test_external_metrics_report_nps_and_ces_per_team_and_week() -> None:
    rows = [
        {"week": w, "team": t, "iqs": q, "csat": cs, "nps": n, "ces": ce}
        for w, t, q, cs, n, ce in NPS_ROWS
    ]
    report = external_metrics(make_frames(rows))
    assert report.available == ["csat", "nps", "ces"] and report.missing == [] and not report.notes
    teams = {t.team: t for t in report.teams}
    assert teams["A"].nps == pytest.approx(nps([10, 9, 4])) and teams["A"].nps_n == 3
    assert teams["B"].nps == pytest.approx(nps([10, 9, 7])) and teams["B"].nps_n == 3
    assert teams["C"].nps is None and teams["C"].nps_n == 0
    assert teams["A"].ces == pytest.approx(2.5) and teams["A"].ces_n == 2
    weekly = {(t.team, t.week): t for t in report.weekly}
    assert weekly[("B", "2026-W02")].nps == pytest.approx(nps([9, 7]))
    assert weekly[("A", "2026-W01")].ces == pytest.approx(3.0)


def test_the_customer_rank_uses_every_customer_metric_present() -> None:
    rows = [
        {"week": w, "team": t, "iqs": q, "csat": cs, "nps": n, "ces": ce}
        for w, t, q, cs, n, ce in NPS_ROWS
    ]
    teams = {t.team: t for t in external_metrics(make_frames(rows)).teams}
    # IQS: A 85 > C 70 > B 60. CSAT: B 4.5, C 4.0, A 2.5 → places B 0, C .5, A 1.
    # NPS (A, B only): B 66.7 > A 33.3 → B 0, A 1. CES (A, B): B 6.5 > A 2.5 → B 0, A 1.
    # Mean place: B 0, C 0.5, A 1 → customer ranks B 1, C 2, A 3.
    assert [teams[t].iqs_rank for t in "ABC"] == [1, 3, 2]
    assert [teams[t].customer_rank for t in "ABC"] == [3, 1, 2]
    assert [teams[t].csat_rank for t in "ABC"] == [3, 1, 2]
    assert [teams[t].rank_gap for t in "ABC"] == [2, 2, 0]
    first = external_metrics(make_frames(rows)).teams[0]
    assert first.team == "A"  # the largest disagreement first (ties by name)
