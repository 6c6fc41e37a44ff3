"""`supportqa coach [AGENT]`: what each agent should work on, with the conversations that show it,
coaching notes (appended to `supportqa-coaching.jsonl` beside the database) and the trend since."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from supportqa.analytics.coaching import AgentCoaching, AgentSummary
from supportqa.analytics.export import export_rows
from supportqa.cli.common import (
    DbOption,
    ExportOption,
    JsonOption,
    console,
    open_repository,
    print_json,
    settings,
    styled,
)
from supportqa.errors import InputError
from supportqa.services import coaching
from supportqa.services.trust import trust_gate


def _num(value: float | None, fmt: str = "{:.1f}") -> str:
    return "–" if value is None else fmt.format(value)


def summary_table(rows: list[AgentSummary], left_out: list[str] | None = None) -> Table:
    """One line per agent; `left_out` names the untrusted criteria no focus or IQS here uses."""
    caption = (
        f"left out as untrusted: {', '.join(left_out)}; IQS over the trusted criteria"
        if left_out
        else None
    )
    table = Table(
        title="Coaching: each agent's top focus (largest deficit vs their team)", caption=caption
    )
    for name in ("agent", "name", "team", "reviews", "IQS", "top focus", "gap", "n"):
        table.add_column(
            name, justify="right" if name in ("reviews", "IQS", "gap", "n") else "left"
        )
    table.add_column("last note")
    table.add_column("IQS Δ since", justify="right")
    for r in rows:
        gap = _num(r.gap, "{:+.1f}") + (" ✓" if r.clear else "")
        table.add_row(
            r.agent,
            r.agent_name or "",
            r.team,
            str(r.reviews),
            _num(r.iqs),
            r.top_focus or "–",
            gap if r.top_focus else "–",
            str(r.focus_n or ""),
            str(r.last_note or ""),
            _num(r.trend_delta, "{:+.1f}"),
        )
    return table


def print_card(card: AgentCoaching, path: Path) -> None:
    name = f" ({card.agent_name})" if card.agent_name else ""
    console.print(
        styled(
            (f"{card.agent}{name}", "bold"),
            f" · team {card.team} · {card.reviews} reviews · "
            f"IQS {_num(card.iqs)} vs team {_num(card.team_iqs)}",
        ),
        highlight=False,
    )
    table = Table(
        title="IQS criteria vs the team (trailing first)",
        caption="gap = agent − team mean score (points), 95% interval; ✓ clearly behind",
    )
    for col in ("criterion", "agent", "n", "team", "gap", "95% interval", ""):
        table.add_column(col, justify="left" if col == "criterion" else "right")
    for f in card.focus:
        interval = "–" if f.ci_low is None else f"[{f.ci_low:+.1f}, {_num(f.ci_high, '{:+.1f}')}]"
        table.add_row(
            f.key,
            f"{f.agent_mean:.1f}",
            str(f.agent_n),
            f"{f.team_mean:.1f}",
            f"{f.gap:+.1f}",
            interval,
            "✓" if f.clear else "",
        )
    console.print(table)
    if card.left_out:
        console.print(
            f"Left out (untrusted by the latest calibration): {', '.join(card.left_out)}; "
            "IQS here is over the trusted criteria.",
            highlight=False,
        )
    for e in card.examples:
        console.print(
            styled((e.key, "bold"), f" {e.conversation_id} ({e.score_pct:.0f}%): {e.explanation}"),
            highlight=False,
        )
        for q in e.quotes:
            quote = " ".join(q.quote.split())
            console.print(f'    message {q.message_index}: "{quote}"', highlight=False)
    for note in card.notes:
        focus = f" [focus: {', '.join(note.focus)}]" if note.focus else ""
        console.print(f"note {note.date} by {note.author}{focus}: {note.text}", highlight=False)
    if card.trend is not None:
        t = card.trend
        interval = "" if t.ci_low is None else f" [{t.ci_low:+.1f}, {_num(t.ci_high, '{:+.1f}')}]"
        console.print(
            f"Since the last session ({t.since}): IQS {_num(t.before_mean)} (n={t.before_n}) → "
            f"{_num(t.after_mean)} (n={t.after_n}), Δ {_num(t.delta, '{:+.1f}')}{interval}",
            highlight=False,
        )
    else:
        console.print(f"No coaching notes yet ({path}).", highlight=False)


def _day(day: str | None) -> date | None:
    try:
        return date.fromisoformat(day) if day else None
    except ValueError:
        raise InputError(f"--date {day!r} is not a date: use YYYY-MM-DD") from None


def coach_command(
    agent: Annotated[str | None, typer.Argument(help="Agent id or name; none: every agent")] = None,
    note: Annotated[str | None, typer.Option("--note", help="Record a coaching note")] = None,
    by: Annotated[str | None, typer.Option("--by", help="Who coached (with --note)")] = None,
    focus: Annotated[
        str | None, typer.Option("--focus", help="Criteria in focus: KEY,KEY (with --note)")
    ] = None,
    day: Annotated[
        str | None, typer.Option("--date", help="Session date YYYY-MM-DD (default today)")
    ] = None,
    kind: Annotated[str, typer.Option("--kind", help="Reviews to use: ai, human or both")] = "ai",
    notes_file: Annotated[
        Path | None, typer.Option("--notes", help="Notes JSONL (default beside the database)")
    ] = None,
    db: DbOption = None,
    json: JsonOption = False,
    export: ExportOption = None,
) -> None:
    """Per agent, the IQS criteria where they trail their team, with examples, notes and the trend
    since the last session; without AGENT, one line per agent with their top focus."""
    if agent is None and (note or by or focus or day):
        raise InputError("--note, --by, --focus and --date need an AGENT")
    if note is None and (by or focus or day):
        raise InputError("--by, --focus and --date go with --note")
    config = settings()
    with open_repository(db) as repo:
        path = coaching.notes_file(repo, notes_file)
        if note is not None and agent is not None:
            keys = (focus or "").split(",")
            coaching.add_coaching_note(
                repo, agent, note, by, focus=keys, day=_day(day), path=path, settings=config
            )
        if agent is None:
            rows = coaching.coaching_summary(repo, kind=kind, notes_path=path, settings=config)
            if export is not None:
                export_rows([r.__dict__ for r in rows], export)
            if json:
                print_json(rows)
            else:
                left_out = trust_gate(repo).gated_keys
                console.print(summary_table(rows, left_out))
            return
        card = coaching.coaching_card(repo, agent, kind=kind, notes_path=path, settings=config)
    if export is not None:
        export_rows(card.flat(), export)
    if json:
        print_json(card)
        return
    if note is not None:
        console.print(f"Noted in {path}", highlight=False)
    print_card(card, path)
    if export is not None:
        console.print(f"Wrote {export}")


def register(app: typer.Typer) -> None:
    app.command("coach")(coach_command)
