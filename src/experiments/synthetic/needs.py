"""Planted customer needs and the segmentation truth (``_truth/segments.csv``).

Each person gets one need type from its own random stream (``needs``), and the need shifts traits that the raw data
shows, so a segmentation can infer it:

- ``price_sensitive``: buys at a discount far more often (``price_sensitivity`` raised; the others' lowered);
- ``quality_seeking``: prefers the dearer items of each category (a premium term in the item choice softmax);
- ``service_dependent``: returns more (``pickiness`` raised) and lives where deliveries are late (``remote``), so
  it writes more refund and delivery complaints per order.

Only these trait values change: the ``orders`` random stream draws the same numbers, so everything else about a
person (order days, channels, tastes) is as before for the same seed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.synthetic.behaviour import REF_DAY, Behaviour
from experiments.synthetic.sizes import EPOCH, rng_for

NEED_TYPES = ("price_sensitive", "quality_seeking", "service_dependent")
NEED_P = np.array([0.4, 0.3, 0.3])
PREMIUM = 1.2
"""Weight of the within-category z-score of log price in a quality seeker's item softmax."""


def plant_needs(beh: Behaviour, seed: int) -> np.ndarray:
    """Draw each person's need type (index into ``NEED_TYPES``) and shift ``beh``'s traits in place; return it."""
    n = len(beh.rate)
    rng = rng_for(seed, "needs")
    need = rng.choice(len(NEED_TYPES), n, p=NEED_P)
    price, service = need == 0, need == 2
    beh.price_sensitivity = np.where(price, 0.45 + 0.5 * beh.price_sensitivity, 0.5 * beh.price_sensitivity)
    beh.pickiness = np.where(service, 0.5 + 0.5 * beh.pickiness, beh.pickiness)
    u = rng.random(n)
    beh.remote = np.where(service, u < 0.6, beh.remote & (u < 0.5))
    return need


def premium_weight(need: np.ndarray) -> np.ndarray:
    """Per-person weight of the premium (dear-within-category) term of the item choice: ``PREMIUM`` for quality
    seekers, 0 otherwise."""
    return np.where(need == 1, PREMIUM, 0.0)


def spend_level(cdf: np.ndarray, price: np.ndarray) -> np.ndarray:
    """Expected list price of one line under each row's item distribution (rows of a cumulative ``cdf``)."""
    prob = np.diff(cdf, axis=1, prepend=0.0)
    return prob @ price


def truth_table(person_id: np.ndarray, beh: Behaviour, need: np.ndarray, scale: float, spend: np.ndarray,
                end_day: int) -> pd.DataFrame:
    """The segmentation truth, one row per person.

    Columns: person_id, need_type, buyer, purchase_rate (expected orders per 30 days at the reference date, the
    latent rate times the world's scale), rate_trend (change of the log rate per year), lapses (the intensity drops
    to 5% before the last order day: the planted dropout), lapse_date, spend_level (expected list price of a line,
    CNY), price_sensitivity (0-1, the weight of buying at a discount).
    """
    buyer = beh.rate > 0
    lapses = buyer & (beh.lapse_day <= end_day)
    lapse_date = pd.Series(pd.Timestamp(EPOCH) + pd.to_timedelta(np.where(lapses, beh.lapse_day, 0), unit="D"))
    return pd.DataFrame({
        "person_id": person_id,
        "need_type": np.array(NEED_TYPES)[need],
        "buyer": buyer,
        "purchase_rate": np.round(beh.rate * scale * 30, 6),
        "rate_trend": np.round(beh.trend * 365, 6),
        "lapses": lapses,
        "lapse_date": np.where(lapses, lapse_date.dt.strftime("%Y-%m-%d").to_numpy(), ""),
        "spend_level": np.round(spend, 4),
        "price_sensitivity": np.round(beh.price_sensitivity, 6),
    })


__all__ = ["NEED_TYPES", "NEED_P", "PREMIUM", "REF_DAY", "plant_needs", "premium_weight",
           "spend_level", "truth_table"]
