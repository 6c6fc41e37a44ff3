"""The layers of ARCHITECTURE.md hold: the CLI, the report and jobs are adapters over services,
and every top-level package has a place in the import-linter contract (`make lint` runs
`lint-imports` itself; these tests say the same in the suite, with no tool to install)."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "supportqa"
ENGINE_AND_STORAGE = (
    "supportqa.storage",
    "supportqa.scoring",
    "supportqa.scorers",
    "supportqa.importers",
    "supportqa.signals",
    "supportqa.calibration",
    "supportqa.models",
)


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every `supportqa.*` module a file imports, at any depth (function-level imports too)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return [(line, name) for line, name in found if name.startswith("supportqa.")]


ADAPTERS = sorted(
    p for folder in ("cli", "reports", "jobs") for p in PACKAGE.joinpath(folder).glob("*.py")
)


@pytest.mark.parametrize("module", ADAPTERS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_adapters_import_no_storage_engine_or_importers(module: Path) -> None:
    wrong = [
        f"{module.parent.name}/{module.name}:{line} imports {name}"
        for line, name in _imports(module)
        if name.startswith(ENGINE_AND_STORAGE)
    ]
    assert not wrong, "an adapter parses, calls a service and renders: " + "; ".join(wrong)


def test_every_top_level_package_is_placed_in_the_layers_contract() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    layers = next(c for c in contracts if c["type"] == "layers")
    placed = {
        part.strip().strip("()")
        for layer in layers["layers"]
        for part in layer.replace("|", ":").split(":")
    }
    top_level = {
        p.stem if p.is_file() else p.name
        for p in PACKAGE.iterdir()
        if (p.is_dir() and (p / "__init__.py").exists())
        or (p.suffix == ".py" and p.stem not in {"__init__", "__main__"})
    }
    assert layers.get("exhaustive") is True
    assert top_level - placed == set(), "place each new package in a layer (pyproject.toml)"


def test_the_layer_contracts_ignore_no_import() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    for contract in config["tool"]["importlinter"]["contracts"]:
        assert not contract.get("ignore_imports"), contract["name"]
