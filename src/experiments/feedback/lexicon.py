"""The lexicon baseline of 05: the lab's lexicon sentiment scorer (``experiments.common.sentiment_lexicon``: VADER
for English, the curated Chinese lexicon with negation for Chinese, shared with 07) plus the intensity grade.

``intensity`` = |compound|, graded weak / medium / strong at 0.4 and 0.7.
"""

from __future__ import annotations

import numpy as np

from experiments.common.sentiment_lexicon import compound, polarity

__all__ = ["compound", "intensity_grade", "polarity"]


def intensity_grade(intensity: np.ndarray) -> np.ndarray:
    """Return weak (< 0.4), medium (< 0.7) or strong for intensities in [0, 1]."""
    x = np.asarray(intensity, dtype=float)
    return np.where(x >= 0.7, "strong", np.where(x >= 0.4, "medium", "weak"))
