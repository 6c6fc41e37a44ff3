"""Every command prints names, ids and messages from data verbatim: never parsed as rich markup.

The database's agents, teams, reviewers, conversation ids and scorecard hold markup such as
`Sam [/] Reyes` (a closing tag with nothing open: rich raises MarkupError), `[red]Billing` (a
style tag rich would swallow) and `[bold]x[/bold]`. Each command registered in the CLI app is run
on it (or, for commands that need a model, an LLM or a dataset, on an error path that names a file
with markup) and must exit 0 or 1 with the markup printed as written.
"""

from __future__ import annotations

import csv
import importlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml

from supportqa.cli import main
from supportqa.cli.app import COMMANDS, load_command
from supportqa.domain.scorecard import default_scorecard
from supportqa.errors import MissingExtraError
from supportqa.importers.service import import_files
from supportqa.scoring.profiles import rules_only
from supportqa.services.scoring import score_database
from supportqa.storage import Database, Repository
from supportqa.synthetic import generate_conversations, simulate_reviews
from tests.cli.conftest import Runner

AGENT = "Sam [/] Reyes"
TEAM = "[red]Billing"
REVIEWER = "[bold]x[/bold]"
CONVERSATION = "c[/]1"
FORMULA = '=HYPERLINK("http://x","y")'  # the Shipping team, for CSV exports
CARD_NAME = "qa-card"  # scorecard names are slugs (no markup can reach them); groups carry it
MISSING = "missing[/]"  # a path whose name is markup: `<dir>/missing[` then `]...`
USER = "[red]sam@example.com"  # an e-mail is data too
CARD = rules_only(default_scorecard(), name=CARD_NAME)


def _rewrite(conversations: list[dict[str, Any]]) -> None:
    """The first conversation's agent → `Sam [/] Reyes`, other agents → `First [/] Last`, every
    team → `[red]<team>` (Shipping → a spreadsheet formula), conversation ids → `c[/]<n>`
    (message authors follow their agent)."""
    names: dict[str, str] = {conversations[0]["agent"]["id"]: AGENT}
    for n, conversation in enumerate(conversations, start=1):
        conversation["id"] = f"c[/]{n}"
        agent = conversation["agent"]
        agent["name"] = names.setdefault(agent["id"], agent["name"].replace(" ", " [/] ", 1))
        agent["team"] = FORMULA if agent["team"] == "Shipping" else f"[red]{agent['team']}"
        for message in conversation["messages"]:
            author = message.get("author") or {}
            if message["role"] == "agent" and author.get("id") and author.get("name"):
                author["name"] = names.setdefault(
                    author["id"], author["name"].replace(" ", " [/] ", 1)
                )


def _markup_card() -> dict[str, Any]:
    data = CARD.to_dict()
    data["name"] = CARD_NAME
    data["criteria"][0]["name"] = REVIEWER + " greeting"
    data["criteria"][0]["group"] = TEAM
    return data


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the conversations, reviews, a markup scorecard and a scored database."""
    folder = tmp_path_factory.mktemp("markup")
    conversations = list(generate_conversations(160, 7, weeks=4))
    _rewrite(conversations)
    reviews = list(simulate_reviews(conversations, 7, share=0.6))
    for line in reviews:
        line["reviewer_name"] = f"{REVIEWER} {line['reviewer_name']}"
        line["reviewer"] = f"{line['reviewer']}[/]"
    (folder / "conversations.jsonl").write_bytes(
        b"".join(orjson.dumps(c) + b"\n" for c in conversations)
    )
    (folder / "reviews.jsonl").write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in reviews))
    (folder / "card.yaml").write_text(yaml.safe_dump(_markup_card(), sort_keys=False))
    bad = folder / "in["
    bad.mkdir()
    first = orjson.dumps(conversations[0]).decode()
    (bad / "]bad.jsonl").write_text(first + "\n" + '{"id": "[/]", "messages": "[bold]x"}\n')
    database = Database.open(folder / "qa.db", create=True)
    try:
        repo = Repository(database)
        repo.save_scorecard(default_scorecard())
        imported = import_files(
            repo,
            [folder / "conversations.jsonl", folder / "reviews.jsonl"],
            scorecard=default_scorecard(),
        )
        assert imported.failed == 0
        repo.save_scorecard(CARD)
        score_database(repo, CARD)
    finally:
        database.dispose()
    with pytest.raises(SystemExit, match="0"):
        main(["override", "add", "--db", str(folder / "qa.db"), "--conversation", CONVERSATION,
              "--criterion", "closing", "--by", REVIEWER, "--why", AGENT, "--rating", "0",
              "--json"])  # fmt: skip
    with pytest.raises(SystemExit, match="0"):
        main(["jobs", "enqueue", "digest", "--db", str(folder / "qa.db"), "--name", TEAM,
              "--out", str(folder / "[red]digest.json"), "--json"])  # fmt: skip
    with pytest.raises(SystemExit, match="0"):
        main(["users", "add", USER, "--role", "agent", "--name", AGENT, "--team", TEAM,
              "--agent", f"csv:{CONVERSATION}", "--db", str(folder / "qa.db")])  # fmt: skip
    return folder


@dataclass(frozen=True)
class Case:
    """`args` with `{db}` and `{dir}` filled in; `shows` must appear verbatim in the output."""

    command: str
    args: tuple[str, ...]
    shows: tuple[str, ...] = ()


CASES = [
    Case("init", ("init", "--db", "{dir}/new.db", "--scorecard", "{dir}/card.yaml"), (CARD_NAME,)),
    Case("import", ("import", "{dir}/in[/]bad.jsonl", "--db", "{db}"), ("in[/]bad.jsonl:2",)),
    Case("generate", ("generate", "-o", "{dir}/[red]g.jsonl", "--n", "3"), ("[red]g.jsonl",)),
    Case("migrate", ("migrate", "--db", "{db}")),
    Case("backup", ("backup", "--db", "{db}", "--out", "{dir}/[red]b.db"), ("[red]b.db",)),
    Case("score", ("score", "{dir}/conversations.jsonl", "-o", "{dir}/[red]out.jsonl",
                   "--scorecard", "{dir}/card.yaml", "--limit", "5"), ("[red]out.jsonl",)),
    Case("score", ("score", f"{{dir}}/{MISSING}.jsonl", "-o", "{dir}/o.jsonl"),
         (f"{MISSING}.jsonl",)),
    Case("runs", ("runs", "--db", "{db}"), (CARD_NAME,)),
    Case("iqs", ("iqs", "--by", "agent", "--db", "{db}"), (AGENT, "Mei [/] Chen")),
    Case("iqs", ("iqs", "--by", "team", "--db", "{db}"), (TEAM,)),
    Case("demo", ("demo", "--dir", "{dir}/[red]demo", "--n", "30", "--no-serve"), ("[red]demo",)),
    Case("schema", ("schema", TEAM), (TEAM,)),
    Case("scorers", ("scorers",)),
    Case("eval", ("eval", "--data", f"{{dir}}/{MISSING}"), (MISSING,)),
    Case("train", ("train", "--db", "{db}", "--scorecard-name", CARD_NAME, "--target", TEAM),
         (TEAM,)),
    Case("trends", ("trends", "--by", "team", "--db", "{db}"), (TEAM,)),
    Case("stability", ("stability", "--db", "{db}"), (TEAM,)),
    Case("external", ("external", "--db", "{db}"), (TEAM,)),
    Case("report", ("report", "--db", "{db}", "--out", "{dir}/[red]r.html"), ("[red]r.html",)),
    Case("drivers", ("drivers", "--db", "{db}", "--team", TEAM)),
    Case("coach", ("coach", "agt-101", "--db", "{db}"), ("Sam [/] Carter", TEAM, "c[/]")),
    Case("queue", ("queue", "--db", "{db}", "--reviewers", f"{REVIEWER},{AGENT}"),
         (REVIEWER, AGENT, "[/]")),
    Case("agents list", ("agents", "list", "--db", "{db}"), (AGENT, TEAM)),
    Case("agents link", ("agents", "link", "agt-101", "agt-102", "--as", AGENT, "--db", "{db}"),
         (AGENT,)),
    Case("agents unlink", ("agents", "unlink", MISSING, "--db", "{db}"), (MISSING,)),
    Case("explain", ("explain", CONVERSATION, "--db", "{db}"), (CONVERSATION, AGENT)),
    Case("scorecard validate", ("scorecard", "validate", "{dir}/card.yaml"), (CARD_NAME,)),
    Case("scorecard show", ("scorecard", "show", "{dir}/card.yaml"), (CARD_NAME, TEAM)),
    Case("scorecard list", ("scorecard", "list", "--db", "{db}"), (CARD_NAME,)),
    Case("calibrate", ("calibrate", "--db", "{db}", "--scorecard-name", CARD_NAME,
                       "--bootstrap", "0"), (CARD_NAME,)),
    Case("calibrate sessions", ("calibrate", "sessions", "--db", "{db}"), ("rev-harsh[/]",)),
    Case("calibrate cx", ("calibrate", "cx", "--db", "{db}", "--scorecard-name", CARD_NAME),
         (CARD_NAME,)),
    Case("calibrate drift", ("calibrate", "drift", "--db", "{db}", "--candidate",
                             f"{{dir}}/{MISSING}.yaml"), (f"{MISSING}.yaml",)),
    Case("override add", ("override", "add", "--db", "{db}", "--conversation", CONVERSATION,
                          "--criterion", "greeting", "--by", REVIEWER, "--why", AGENT,
                          "--rating", "1"), (CONVERSATION, REVIEWER)),
    Case("override list", ("override", "list", "--db", "{db}"), (CONVERSATION, REVIEWER, AGENT)),
    Case("dataset export", ("dataset", "export", "--dataset", TEAM, "--out", "{dir}/o"),
         (TEAM,)),
    Case("judge probe", ("judge", "probe", "--db", "{db}", "--scorecard",
                         f"{{dir}}/{MISSING}.yaml"), (f"{MISSING}.yaml",)),
    Case("judge check", ("judge", "check", "--scorecard", f"{{dir}}/{MISSING}.yaml"),
         (f"{MISSING}.yaml",)),
    Case("jobs", ("jobs", "--db", "{db}"), (f"digest:{TEAM}",)),
    Case("jobs enqueue", ("jobs", "enqueue", "score", "--db", "{db}", "--conversation",
                          CONVERSATION), (f"score:*:conversation:{CONVERSATION}",)),
    Case("jobs retry", ("jobs", "retry", "1", "--db", "{db}")),
    Case("jobs cancel", ("jobs", "cancel", "1", "--db", "{db}"), ("cancelled",)),
    Case("worker", ("worker", "--burst", "--db", "{db}"), ("job 1 digest: succeeded",)),
    Case("users add", ("users", "add", "[bold]new@x.io", "--role", "viewer", "--name", AGENT,
                       "--db", "{db}"), ("[bold]new@x.io",)),
    Case("users list", ("users", "list", "--db", "{db}"), (USER, AGENT, TEAM, f"csv:{CONVERSATION}")),
    Case("users set-password", ("users", "set-password", USER, "--db", "{db}"), (USER,)),
    Case("users token", ("users", "token", USER, "--name", TEAM, "--db", "{db}"), (USER, TEAM)),
    Case("users disable", ("users", "disable", USER, "--db", "{db}"), (USER,)),
    Case("serve", ("serve", "--db", f"{{dir}}/{MISSING}.db"), (f"{MISSING}.db",)),
]  # fmt: skip


def _commands(command: Any, prefix: tuple[str, ...] = ()) -> Iterator[str]:
    """Every runnable command of the click tree typer builds, by its full name."""
    subcommands = getattr(command, "commands", None)
    runnable = subcommands is None or getattr(command, "invoke_without_command", False)
    if runnable and prefix:
        yield " ".join(prefix)
    for name, sub in (subcommands or {}).items():
        yield from _commands(sub, (*prefix, name))


def test_every_registered_command_has_a_markup_case() -> None:
    registered = {full for name in COMMANDS for full in _commands(load_command(name), (name,))}
    assert registered == {case.command for case in CASES}


@pytest.fixture
def folder(built: Path, tmp_path: Path) -> Path:
    """A private copy (some commands write to the database or beside it)."""
    target = tmp_path / "w"
    shutil.copytree(built, target)
    return target


@pytest.mark.parametrize("case", CASES, ids=[" ".join(c.args[:3]) for c in CASES])
def test_data_with_markup_prints_verbatim(cli: Runner, folder: Path, case: Case) -> None:
    args = [a.format(db=folder / "qa.db", dir=folder) for a in case.args]
    result = cli(*args)
    assert result.code in (0, 1), result.err
    assert "MarkupError" not in result.err and "Traceback" not in result.err
    output = result.out + result.err
    for literal in case.shows:
        assert literal in output


def test_an_error_naming_an_extra_prints_its_brackets(
    cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing_extra(args: list[str]) -> None:
        raise MissingExtraError("the encoder", "models", "onnxruntime")

    monkeypatch.setattr(importlib.import_module("supportqa.cli.app"), "app", missing_extra)
    result = cli("eval")
    assert result.code == 1
    assert "pip install 'supportqa[models]'" in result.err


def test_csv_export_neutralises_a_team_named_like_a_formula(cli: Runner, folder: Path) -> None:
    out = folder / "trends.csv"
    args = ("trends", "--by", "team", "--kind", "ai", "--db", folder / "qa.db", "--export", out)
    result = cli(*args)
    assert result.code == 0, result.err
    assert FORMULA in result.out  # the table shows the name as it is
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    teams = {row["team"] for row in rows}
    assert f"'{FORMULA}" in teams and FORMULA not in teams
    cells = [value for row in rows for value in row.values()]
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]
    deltas = [float(row["delta"]) for row in rows if row["delta"]]
    assert min(deltas) < 0  # negative figures stay numbers, not '-3.5 text
