"""Prospects: people the ad logs and WeChat followers know who never bought (issue 21, notebook 08's lookalikes).

Drawn from their own random stream (``np.random.default_rng([seed, PROSPECT_STREAM])``), so adding them changes no
other generated file. Each prospect gets the same latent drivers as a customer's value (the segmentation truth's
``purchase_rate`` and ``spend_level``, resampled from the buyers of the same need type) and a planted
``latent_value`` = purchase_rate x spend_level x 12 (CNY a year, the customers' value in the same units). What the
ad platform and WeChat see are noisy signals of those drivers, on the same scale as a customer's own figures:
``engagement_per_month`` (interest events over six months at the person's purchase rate, per month) and
``premium_share`` (share of viewed items above their category's median price; quality seekers view dear items),
plus age group, gender and city, which carry no value signal. Raw ``prospects.csv`` holds the signals only; the
planted value goes to ``_truth/prospects.csv``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

PROSPECT_STREAM = 2101  # the prospects' own random stream (issue 21)
PROSPECTS_PER_PERSON = 0.5
OBSERVED_MONTHS = 6
AGE_GROUPS = ("18-24", "25-34", "35-44", "45-54", "55+")
PREMIUM_BETA = {"quality_seeking": (6.0, 3.0), "price_sensitive": (1.5, 6.0), "service_dependent": (2.5, 4.0)}


def make_prospects(segments_truth: pd.DataFrame, persons_truth: pd.DataFrame,
                   seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (raw prospects, truth) for a world whose segmentation truth is ``segments_truth`` (one row per person,
    ``need_type``, ``buyer``, ``purchase_rate``, ``spend_level``) and persons ``persons_truth`` (city, gender)."""
    rng = np.random.default_rng([int(seed), PROSPECT_STREAM])
    n = max(int(round(len(persons_truth) * PROSPECTS_PER_PERSON)), 20)
    buyers = segments_truth[segments_truth["buyer"].astype(bool)].reset_index(drop=True)
    need = rng.choice(buyers["need_type"].to_numpy(), n)
    rate = np.empty(n)
    spend = np.empty(n)
    premium = np.empty(n)
    for kind, grp in buyers.groupby("need_type"):
        rows = np.flatnonzero(need == kind)
        pick = rng.integers(0, len(grp), len(rows))
        rate[rows] = grp["purchase_rate"].to_numpy(float)[pick]
        spend[rows] = grp["spend_level"].to_numpy(float)[pick]
        a, b = PREMIUM_BETA.get(str(kind), (2.0, 4.0))
        premium[rows] = rng.beta(a, b, len(rows))
    engagement = rng.poisson(rate * OBSERVED_MONTHS) / OBSERVED_MONTHS
    ids = np.array([f"PR{i:07d}" for i in range(1, n + 1)])
    source = np.where(rng.random(n) < 0.6, "ad_logs", "wechat_followers")
    raw = pd.DataFrame({
        "prospect_id": ids, "source": source,
        "age_group": rng.choice(AGE_GROUPS, n),
        "gender": rng.choice(persons_truth["gender"].fillna("").to_numpy(), n),
        "city": rng.choice(persons_truth["city"].fillna("").to_numpy(), n),
        "engagement_per_month": np.round(engagement, 4),
        "premium_share": np.round(premium, 4),
    })
    truth = pd.DataFrame({"prospect_id": ids, "need_type": need, "purchase_rate": np.round(rate, 6),
                          "spend_level": np.round(spend, 4), "latent_value": np.round(rate * spend * 12, 2)})
    return raw, truth
