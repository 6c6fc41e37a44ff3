"""docs/api.md shows the library as it is: every python block on it runs, top to bottom, in one empty
folder."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

API_DOCS = Path(__file__).resolve().parents[2] / "docs" / "api.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def test_every_example_in_the_api_docs_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocks = BLOCK.findall(API_DOCS.read_text(encoding="utf-8"))
    assert blocks, "docs/api.md has no python examples"
    monkeypatch.chdir(tmp_path)
    for name in ("SUPPORTQA_DB", "SUPPORTQA_SCORECARD", "SUPPORTQA_LLM_CACHE"):
        monkeypatch.delenv(name, raising=False)
    namespace: dict[str, object] = {}
    for number, block in enumerate(blocks, start=1):
        try:
            exec(compile(block, f"docs/api.md block {number}", "exec"), namespace)
        except Exception as exc:
            pytest.fail(f"docs/api.md block {number} fails: {exc!r}\n{block}")
