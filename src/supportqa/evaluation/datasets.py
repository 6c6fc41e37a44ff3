"""Load the shared human-labelled research datasets as supportqa conversations with their labels.

Groundwork for measuring scorers against people: STC-3 dialogue quality, USS user satisfaction and
AB-ReDial. The data stay outside the repository (research-only licences); `shared_data_dir()` finds
them and each loader reads one file, skipping bad records into a `LoadReport` instead of failing.
"""

from __future__ import annotations

from pathlib import Path

from supportqa.evaluation import ab_redial, stc3, uss
from supportqa.evaluation.ab_redial import load_ab_redial
from supportqa.evaluation.base import (
    SHARED_DATA_ENV,
    Issue,
    LabelledConversation,
    LoadReport,
    shared_data_dir,
    split,
)
from supportqa.evaluation.stc3 import load_stc3
from supportqa.evaluation.uss import load_uss

__all__ = [
    "SHARED_DATA_ENV",
    "Issue",
    "LabelledConversation",
    "LoadReport",
    "dataset_paths",
    "load_ab_redial",
    "load_all",
    "load_stc3",
    "load_uss",
    "shared_data_dir",
    "split",
]


def dataset_paths(data_dir: Path) -> dict[str, Path]:
    """Dataset name → the file it is read from, for every dataset `load_all` returns."""
    paths = {stc3.DATASET: Path(data_dir) / stc3.RELATIVE_PATH}
    for subset in uss.SUBSETS:
        paths[uss.dataset_name(subset)] = Path(data_dir) / "uss" / f"{subset}.txt"
    paths[ab_redial.DATASET] = Path(data_dir) / ab_redial.RELATIVE_PATH
    return paths


def load_all(
    data_dir: Path, *, report: LoadReport | None = None
) -> dict[str, list[LabelledConversation]]:
    """Every dataset under `data_dir`: "stc3", "uss-SGD", "uss-MWOZ", "uss-ReDial", "uss-CCPE",
    "ab-redial". A missing or unreadable file raises InputError naming it."""
    report = report if report is not None else LoadReport()
    loaded: dict[str, list[LabelledConversation]] = {}
    for name, path in dataset_paths(data_dir).items():
        if name == stc3.DATASET:
            loaded[name] = load_stc3(path, report=report)
        elif name == ab_redial.DATASET:
            loaded[name] = load_ab_redial(path, report=report)
        else:
            loaded[name] = load_uss(path, subset=path.stem, report=report)
    return loaded
