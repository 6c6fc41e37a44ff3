"""Calibration: how far AI ratings agree with human reviewers, and how sure we can be of it."""

from supportqa.calibration.agreement import (
    alignment,
    brier_score,
    cohen_kappa,
    confusion_matrix,
    exact_agreement,
    expected_calibration_error,
    krippendorff_alpha,
    mean_absolute_error,
    reliability_bins,
    roc_auc,
    signed_bias,
    spearman,
    weighted_alignment,
    within_one_agreement,
)
from supportqa.calibration.bootstrap import Interval, bootstrap_ci

__all__ = [
    "Interval",
    "alignment",
    "bootstrap_ci",
    "brier_score",
    "cohen_kappa",
    "confusion_matrix",
    "exact_agreement",
    "expected_calibration_error",
    "krippendorff_alpha",
    "mean_absolute_error",
    "reliability_bins",
    "roc_auc",
    "signed_bias",
    "spearman",
    "weighted_alignment",
    "within_one_agreement",
]
