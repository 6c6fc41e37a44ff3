"""`supportqa calibrate sessions` (reviewers against each other) and `calibrate drift` (scorer versions).

Thin adapters: read reviews from the database, call `calibration.sessions` / `calibration.drift`, print
tables (the heat map as coloured cells) or the same report as JSON.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from supportqa.calibration.drift import DriftReport, compare_scorings, sample_reviews
from supportqa.calibration.heatmap import write_heatmap
from supportqa.calibration.sessions import (
    DEFAULT_THRESHOLD,
    HARSH,
    LENIENT,
    SessionOptions,
    SessionsReport,
    analyse_sessions,
)
from supportqa.cli.common import (
    DbOption,
    JsonOption,
    console,
    err_console,
    open_repository,
    print_json,
    progress_bar,
    settings,
    styled,
)
from supportqa.domain.conversation import Conversation
from supportqa.domain.review import Review, ScorecardRef
from supportqa.domain.scorecard import Scorecard, load_scorecard
from supportqa.errors import InputError
from supportqa.scoring.engine import ScoringEngine
from supportqa.storage import Repository

HARSH_RGB = (202, 0, 32)
LENIENT_RGB = (5, 113, 176)
FULL_COLOUR_AT = 0.3
"""Normalised bias at which a terminal heat-map cell reaches its full colour."""
SESSIONS_SHOWN = 12

ResamplesOption = Annotated[
    int, typer.Option("--bootstrap", min=0, help="Bootstrap resamples for the 95% CIs (0: none)")
]
SeedOption = Annotated[int, typer.Option("--seed", help="Seed of the bootstrap (and --sample)")]


def _num(value: float | None, digits: int = 2, signed: bool = False) -> str:
    if value is None:
        return "–"
    return f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _interval(low: float | None, high: float | None, digits: int = 2) -> str:
    return "" if low is None or high is None else f" [{low:.{digits}f}, {high:.{digits}f}]"


def bias_style(value: float | None) -> str:
    """A diverging background: red for harsh (negative), blue for lenient, white at 0."""
    if value is None:
        return ""
    strength = min(1.0, abs(value) / FULL_COLOUR_AT)
    target = HARSH_RGB if value < 0 else LENIENT_RGB
    r, g, b = (round(255 + (t - 255) * strength) for t in target)
    ink = "white" if strength > 0.55 else "black"
    return f"{ink} on rgb({r},{g},{b})"


# ---- sessions ---------------------------------------------------------------------------------


def _session_reviews(repo: Repository, name: str) -> tuple[list[Review], Scorecard]:
    """Session reviews on scorecard `name`, and the stored version most of them were made with."""
    reviews = [r for r in repo.iter_reviews(kind="human") if r.session_id]
    mine = [r for r in reviews if r.scorecard.name == name]
    if not mine:
        other = sorted({r.scorecard.name for r in reviews})
        found = f" (sessions exist on {', '.join(other)}: use --scorecard-name)" if other else ""
        raise InputError(
            f"no calibration-session reviews on scorecard {name!r}{found}; import human reviews "
            "or ratings lines with a session_id first"
        )
    version = Counter(r.scorecard.version for r in mine).most_common(1)[0][0]
    card = repo.get_scorecard(name, version)
    if card is None:
        raise InputError(f"scorecard {name} v{version} of the session reviews is not stored")
    return mine, card


def latest_scored_version(repo: Repository, name: str) -> str | None:
    """The newest stored version of `name` that has AI reviews (a newer one may not be scored yet)."""
    versions = [r.version for r in repo.list_scorecards() if r.name == name]
    for version in reversed(versions):
        ref = ScorecardRef(name=name, version=version)
        if next(iter(repo.iter_reviews(kind="ai", scorecard=ref, batch_size=1)), None):
            return version
    return None


def _ai_reviews(
    repo: Repository, name: str, version: str | None, human: Sequence[Review]
) -> list[Review]:
    """The AI reviews of the session conversations, of `version` or the newest scored one."""
    chosen = version or latest_scored_version(repo, name)
    if chosen is None:
        raise InputError(f"no AI reviews of scorecard {name!r}: run supportqa score first")
    if repo.get_scorecard(name, chosen) is None:
        raise InputError(f"scorecard {name} v{chosen} is not stored (see supportqa scorecard list)")
    wanted = {(r.source, r.conversation_id) for r in human}
    ref = ScorecardRef(name=name, version=chosen)
    found = [
        r
        for r in repo.iter_reviews(kind="ai", scorecard=ref)
        if (r.source, r.conversation_id) in wanted
    ]
    if not found:
        raise InputError(
            f"no AI review of {name} v{chosen} for the session conversations: score them "
            "(supportqa score) or pick the scored version with --ai-version"
        )
    return found


def heatmap_table(report: SessionsReport) -> Table:
    """Criteria down, reviewers across (fits a terminal); each cell coloured by its normalised bias."""
    reference = f"benchmark {report.benchmark}" if report.benchmark else "consensus"
    table = Table(
        title=f"Bias against the {reference} (÷ scale range; red harsh, blue lenient)",
        caption="α = Krippendorff's ordinal alpha; exact = agreeing reviewer pairs",
    )
    table.add_column("criterion")
    table.add_column("α" + (f" [{report.confidence:.0%} CI]" if report.resamples else ""))
    table.add_column("exact", justify="right")
    grid = report.heatmap
    for reviewer in grid.reviewers:
        table.add_column(reviewer, justify="right")
    for j, agreement in enumerate(report.criteria):
        cells = [
            Text(f" {_num(row[j], signed=True)} ", style=bias_style(row[j]))
            for row in grid.normalised_bias
        ]
        table.add_row(
            agreement.key,
            _num(agreement.alpha) + _interval(agreement.alpha_low, agreement.alpha_high),
            _num(agreement.exact_agreement),
            *cells,
        )
    return table


def reviewers_table(report: SessionsReport) -> Table:
    table = Table(title=f"Reviewers (harsh/lenient beyond ±{report.threshold:g} of the range)")
    for name in ("reviewer", "conversations", "weighted bias", "alignment", "verdict"):
        table.add_column(name, justify="left" if name in ("reviewer", "verdict") else "right")
    for r in report.reviewers:
        colour = {HARSH: "bold red", LENIENT: "bold blue"}.get(r.label, "")
        table.add_row(
            r.reviewer,
            str(r.conversations),
            _num(r.normalised_bias, 3, signed=True) + _interval(r.low, r.high, 3),
            _num(r.alignment, 3),
            Text(r.label, style=colour),
        )
    return table


def sessions_table(report: SessionsReport) -> Table:
    shown = report.sessions[-SESSIONS_SHOWN:]
    hidden = len(report.sessions) - len(shown)
    table = Table(
        title="Sessions" + (f" (latest {len(shown)}; {hidden} earlier in --json)" if hidden else "")
    )
    for name in ("session", "date", "conversations", "reviewers", "exact"):
        table.add_column(name, justify="right" if name in ("conversations", "exact") else "left")
    for s in shown:
        day = f"{s.last_review_at:%Y-%m-%d}" if s.last_review_at else "–"
        table.add_row(
            s.session_id,
            day,
            str(s.conversations),
            ", ".join(s.reviewers),
            _num(s.exact_agreement),
        )
    return table


def sessions(
    db: DbOption = None,
    session: Annotated[
        str | None, typer.Option("--session", help="One session id (default: all together)")
    ] = None,
    since: Annotated[
        datetime | None,
        typer.Option("--since", formats=["%Y-%m-%d"], help="Reviews on or after DATE (UTC)"),
    ] = None,
    benchmark: Annotated[
        str | None,
        typer.Option("--benchmark", help="Compare with this reviewer (the final calibrator)"),
    ] = None,
    include_ai: Annotated[
        bool, typer.Option("--include-ai", help="The AI review joins as reviewer 'ai'")
    ] = False,
    ai_version: Annotated[
        str | None,
        typer.Option("--ai-version", help="AI scorecard version (default: newest with AI reviews)"),
    ] = None,
    scorecard_name: Annotated[
        str, typer.Option("--scorecard-name", help="Scorecard of the session reviews")
    ] = "default",
    threshold: Annotated[
        float,
        typer.Option("--threshold", min=0.0, help="Weighted normalised bias that counts as harsh"),
    ] = DEFAULT_THRESHOLD,
    min_conversations: Annotated[
        int, typer.Option("--min-conversations", min=1, help="Fewer compared = 'too few'")
    ] = 5,
    resamples: ResamplesOption = 1000,
    seed: SeedOption = 0,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Write the heat map to this HTML file")
    ] = None,
    json: JsonOption = False,
) -> None:
    """Blind calibration sessions: agreement per criterion, each reviewer's bias, a heat map.

    Bias is reviewer − reference: the mean of the other human reviewers of the conversation
    (leave-one-out consensus) or the --benchmark reviewer. Negative = harsh, positive = lenient.
    """
    options = SessionOptions(
        session=session,
        since=since.replace(tzinfo=UTC) if since else None,
        benchmark=benchmark,
        threshold=threshold,
        n_resamples=resamples,
        seed=seed,
        min_conversations=min_conversations,
    )
    with open_repository(db) as repo:
        human, card = _session_reviews(repo, scorecard_name)
        ai = _ai_reviews(repo, scorecard_name, ai_version, human) if include_ai else None
    report = analyse_sessions(human, card, ai_reviews=ai, options=options)
    if plot is not None:
        write_heatmap(report, plot)
    if json:
        print_json(report)
        return
    where = f"session {report.session}" if report.session else f"{len(report.sessions)} sessions"
    console.print(
        styled(
            ("Calibration", "bold"),
            f" on {report.scorecard}: {where}, {report.conversations} "
            f"conversations, reviewers {', '.join(report.heatmap.reviewers) or '–'}"
            + (f" (benchmark {report.benchmark})" if report.benchmark else ""),
        )
    )
    if not report.session and len(report.sessions) > 1:
        console.print(sessions_table(report))
    console.print(heatmap_table(report))
    console.print(reviewers_table(report))
    for note in report.notes:
        err_console.print(styled(("note:", "yellow"), f" {note}"))
    if plot is not None:
        console.print(f"Heat map written to {plot}")


# ---- drift ------------------------------------------------------------------------------------


def _stored(repo: Repository, name: str, version: str | None) -> Scorecard:
    card = repo.get_scorecard(name, version)
    if card is None:
        versions = [r.version for r in repo.list_scorecards() if r.name == name]
        what = f"version {version} of scorecard {name!r}" if version else f"scorecard {name!r}"
        stored = f"stored versions: {', '.join(versions)}" if versions else "none stored"
        raise InputError(f"{what} is not in the database ({stored})")
    return card


def _ai_of(
    repo: Repository, card: Scorecard, sample: int | None = None, seed: int = 0
) -> list[Review]:
    """The version's AI reviews, or a seeded sample of them read in one streaming pass."""
    ref = ScorecardRef(name=card.name, version=card.version)
    reviews = repo.iter_reviews(kind="ai", scorecard=ref)
    found = list(reviews) if sample is None else sample_reviews(reviews, sample, seed)
    if not found:
        raise InputError(
            f"no AI reviews of {card.name} v{card.version}: score with that version first "
            "(supportqa score --scorecard FILE)"
        )
    return found


def _score_candidate(
    repo: Repository, candidate: Scorecard, baseline: Sequence[Review], quiet: bool
) -> tuple[list[Review], int]:
    """Score the baseline's conversations with the candidate in memory; nothing is written."""
    engine = ScoringEngine(candidate)
    conversations: list[Conversation] = []
    keys = dict.fromkeys((r.source, r.conversation_id) for r in baseline)  # one per reviewee
    for source, conversation_id in keys:
        found = repo.get_conversation(source, conversation_id)
        if found is not None:
            conversations.append(found)
    size = settings().batch_size
    reviews: list[Review] = []
    with progress_bar(quiet=quiet) as bar:
        task = bar.add_task("scoring the candidate", total=len(conversations))
        for start in range(0, len(conversations), size):
            batch = conversations[start : start + size]
            reviews.extend(engine.score(batch))
            bar.advance(task, len(batch))
    return reviews, len(keys) - len(conversations)


def drift_table(report: DriftReport) -> Table:
    table = Table(
        title=f"Drift {report.before} → {report.after}: {report.conversations} conversations",
        caption="shift = after − before over conversations rated by both; "
        "changed = share whose outcome differs",
    )
    columns = ("criterion", "scorer", "n", "before", "after", "shift", "changed", "exact", "κ")
    for name in (*columns, "N/A b→a", "failed b→a"):
        table.add_column(name, justify="left" if name in ("criterion", "scorer") else "right")
    for c in report.criteria:
        moved = c.changed is not None and c.changed > 0
        table.add_row(
            c.key,
            "changed" if c.scorer_changed else "",
            str(c.n),
            _num(c.mean_before),
            _num(c.mean_after),
            _num(c.shift, signed=True) + _interval(c.shift_low, c.shift_high),
            Text(_pct(c.changed), style="bold" if moved else ""),
            _num(c.exact_agreement),
            _num(c.kappa),
            f"{c.before.na}→{c.after.na}",
            f"{c.before.failed}→{c.after.failed}",
            style="yellow" if moved else None,
        )
    return table


def scores_table(report: DriftReport) -> Table:
    table = Table(title="IQS and CX")
    for name in ("score", "n", "before", "after", "shift", "moved ≥1 pt", "flag changed"):
        table.add_column(name, justify="left" if name == "score" else "right")
    iqs = report.iqs
    table.add_row(
        "IQS",
        str(iqs.n),
        _num(iqs.mean_before, 1),
        _num(iqs.mean_after, 1),
        _num(iqs.shift, 2, signed=True) + _interval(iqs.shift_low, iqs.shift_high),
        "",
        "",
    )
    cx = report.cx
    table.add_row(
        "CX",
        str(cx.n),
        _num(cx.mean_before),
        _num(cx.mean_after),
        _num(cx.shift, 3, signed=True) + _interval(cx.shift_low, cx.shift_high, 3),
        _pct(cx.moved),
        _pct(cx.flag_changed),
    )
    return table


def drift(
    db: DbOption = None,
    from_version: Annotated[
        str | None,
        typer.Option(
            "--from", help="Stored version scored before (with --candidate: newest scored)"
        ),
    ] = None,
    to_version: Annotated[
        str | None, typer.Option("--to", help="Stored version to compare with")
    ] = None,
    candidate: Annotated[
        Path | None,
        typer.Option(
            "--candidate", help="Scorecard YAML to score in memory and compare (not stored)"
        ),
    ] = None,
    sample: Annotated[
        int, typer.Option("--sample", min=1, help="With --candidate: conversations to score")
    ] = 500,
    scorecard_name: Annotated[
        str | None,
        typer.Option(
            "--scorecard-name", help="Scorecard name (default: the candidate's, else default)"
        ),
    ] = None,
    resamples: ResamplesOption = 1000,
    seed: SeedOption = 0,
    json: JsonOption = False,
) -> None:
    """Compare two AI scorings of the same conversations: the shift per criterion, in IQS and CX.

    Either two stored versions (--from 2 --to 3) or the stored version against a --candidate
    scorecard scored in memory on a seeded --sample of its conversations: see the shift before
    switching (a new scorer, new arguments, another SUPPORTQA_ENCODER). Nothing is written.
    """
    if (to_version is None) == (candidate is None):
        raise InputError(
            "give either --to VERSION (two stored versions) or --candidate FILE (a scorecard "
            "scored in memory), not both or neither"
        )
    if to_version is not None and from_version is None:
        raise InputError("--to needs --from: the stored version to compare it with")
    card = load_scorecard(candidate) if candidate is not None else None
    name = scorecard_name or (card.name if card else "default")
    with open_repository(db) as repo:
        if from_version is None:
            from_version = latest_scored_version(repo, name)
        before_card = _stored(repo, name, from_version)
        if card is None:
            after_card = _stored(repo, name, to_version)
            before, after = _ai_of(repo, before_card), _ai_of(repo, after_card)
            labels: tuple[str | None, str | None] = (None, None)
            missing = 0
        else:
            after_card = card
            before = _ai_of(repo, before_card, sample, seed)
            after, missing = _score_candidate(repo, card, before, quiet=json)
            labels = (
                f"{before_card.name} v{before_card.version} (stored)",
                f"{card.name} v{card.version} (candidate {candidate}, {len(after)} sampled)",
            )
    report = compare_scorings(
        before,
        after,
        before_card=before_card,
        after_card=after_card,
        before_label=labels[0],
        after_label=labels[1],
        n_resamples=resamples,
        seed=seed,
    )
    if missing:
        report.notes.append(f"{missing} sampled conversations are no longer stored; left out")
    if json:
        print_json(report)
        return
    if report.only_before or report.only_after:
        console.print(
            f"Scored by one side only: {report.only_before} before, {report.only_after} after "
            "(left out)."
        )
    console.print(drift_table(report))
    console.print(scores_table(report))
    for note in report.notes:
        err_console.print(styled(("note:", "yellow"), f" {note}"))


def register(app: typer.Typer) -> None:
    """Add the `sessions` and `drift` commands to the `calibrate` group."""
    app.command("sessions")(sessions)
    app.command("drift")(drift)
