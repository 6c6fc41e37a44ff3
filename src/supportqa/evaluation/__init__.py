"""Evaluation against people: the shared human-labelled datasets, loaded as labelled conversations."""

from __future__ import annotations

from supportqa.evaluation.datasets import (
    SHARED_DATA_ENV,
    Issue,
    LabelledConversation,
    LoadReport,
    dataset_paths,
    load_ab_redial,
    load_all,
    load_stc3,
    load_uss,
    shared_data_dir,
    split,
)

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
