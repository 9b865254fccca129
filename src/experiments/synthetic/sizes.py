"""Sizes, calendar and random streams of the synthetic company (see ``docs/raw_sources.md``)."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np

GENERATOR_VERSION = "1.4.0"  # 1.1.0: ad_events gains pre_impressions and pre_clicks; 1.2.0: campaigns.csv;
# 1.3.0: ad_events gains member_ref (logged-in units cite a shop account, own stream) and _truth/ad_members.csv;
# 1.4.0: feedback texts composed from aspects, opinions, negation, mixed opinions, sarcasm (own stream "feedback_text"),
# ratings disagreeing with the text, cross-channel duplicates; _truth/feedback.csv gains their flags

START = date(2024, 1, 1)
"""First order date (Beijing local calendar)."""
END = date(2025, 6, 30)
"""Last regular order date."""
AS_OF = date(2025, 7, 1)
"""The generation "today": any date after it is impossible."""
REFERENCE_DATE = date(2025, 3, 31)
"""Churn reference date: features before, label window the ``LABEL_DAYS`` days after."""
LABEL_DAYS = 90

EPOCH = datetime(2024, 1, 1)
"""Day 0 of the integer day axis used internally (``day = (d - START).days``)."""


@dataclass(frozen=True)
class Size:
    """How big one generated world is."""

    name: str
    persons: int
    order_lines: int
    exp_units: int
    feedback_rows: int
    items: int
    blocks: int = 1
    """Persons are generated in this many blocks of ``persons / blocks`` (each block's rows appended to the files),
    each with streams derived from its own seed, so the generator's memory follows one block, not the world."""


SIZES: dict[str, Size] = {
    "tiny": Size("tiny", persons=300, order_lines=6_000, exp_units=4_000, feedback_rows=400, items=60),
    "small": Size("small", persons=4_000, order_lines=100_000, exp_units=80_000, feedback_rows=4_000, items=150),
    "medium": Size("medium", persons=30_000, order_lines=400_000, exp_units=100_000, feedback_rows=15_000, items=250),
    "large": Size("large", persons=100_000, order_lines=1_050_000, exp_units=200_000, feedback_rows=40_000,
                  items=300),
    # issue 23: 10x large's order lines and persons; the catalogue stays at 300 items (a shop's range does not grow
    # with its customers), experiment units x2 and feedback x2.5 (06 and 05 sample them; their truth needs no more).
    "xlarge": Size("xlarge", persons=1_000_000, order_lines=10_000_000, exp_units=400_000, feedback_rows=100_000,
                   items=300, blocks=10),
}
BASE_SIZES = ("tiny", "small", "medium", "large")
"""The sizes whose worlds are pinned byte for byte since generator 1.4.0 (their truth tables list only these)."""


def get_size(size: str) -> Size:
    """Return the ``Size`` named ``size``; raise ``ValueError`` listing the known names otherwise."""
    try:
        return SIZES[size]
    except KeyError:
        raise ValueError(f"unknown size {size!r}; expected one of {', '.join(SIZES)}") from None


def day_of(d: date) -> int:
    """Return ``d`` on the internal integer day axis (days since ``START``)."""
    return (d - START).days


def rng_for(seed: int, stream: str) -> np.random.Generator:
    """Return an independent generator for one named stream, so changing one module never shifts another."""
    return np.random.default_rng([int(seed), zlib.crc32(stream.encode("utf-8"))])
