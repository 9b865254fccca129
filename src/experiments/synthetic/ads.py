"""Ad experiments: one row per unit and experiment, with planted lifts, an A/A test, SRM and assignment faults.

Each unit has a persistent activity level (log-normal) that drives impressions both in the 28 pre-period days and
in its 14 days after assignment, so ``pre_conversions`` predicts the outcome (CUPED, Deng et al. 2013). Per-unit
CTR and CVR multipliers have mean one, so the true rates are exact: CTR = ``BASE_CTR``, CVR = ``BASE_CVR``
(times ``1 + lift`` in treatment), conversions per unit = ``BASE_IMPRESSIONS * CTR * CVR``. In ``exp_cvr_lift`` the
lift is heterogeneous: all of it sits in the units whose interest is ``coffee`` (``UPLIFT_GROUP``, +60% CVR there,
0 elsewhere, +10% on average), recorded in the truth's ``uplift_group`` for the uplift model's planted test.

Logged-in units (issue 21): ``link_members`` gives a share of the people with an online-shop account one ad unit
each, seen while logged in, and writes that account's user id into a last column ``member_ref`` (empty for anonymous
units), the way ``service_log`` and ``campaigns`` cite a raw record id in ``customer_ref``; cleaning maps it to the
one ``customer_id``. It draws from its own stream (``rng_for(seed, MEMBER_STREAM)``) after every other value is
made, so all other columns stay byte-identical to a world without the link. The link is the truth's
``ad_members.csv`` (person_id, unit_id, member_ref).
"""

from __future__ import annotations

from datetime import date, timedelta
from math import erf, sqrt

import numpy as np
import pandas as pd

from experiments.synthetic.sizes import rng_for

BASE_IMPRESSIONS = 25.0
"""Expected impressions per unit in its 14 days (the pre-period has twice as many days and impressions)."""
BASE_CTR = 0.08
BASE_CVR = 0.10
ORDER_VALUE = 120.0
"""Mean revenue per conversion (CNY)."""
COST_PER_CLICK = 1.2
ACTIVITY_SIGMA = 1.3
DAYS = 14
PRE_DAYS = 28
#: The planted heterogeneous effect: exp_cvr_lift's CVR lift sits entirely in units with this interest (the lift
#: there is cvr_lift / (its planned share 1/6) = +60%, elsewhere 0), so the average lift stays cvr_lift.
UPLIFT_GROUP = ("interest", "coffee")
EXPERIMENTS = {
    "exp_cvr_lift": {"start": date(2025, 5, 5), "cvr_lift": 0.10, "srm_drop": 0.0, "faults": True, "uplift": True},
    "exp_aa": {"start": date(2025, 5, 19), "cvr_lift": 0.0, "srm_drop": 0.0, "faults": False},
    "exp_srm": {"start": date(2025, 6, 2), "cvr_lift": 0.0, "srm_drop": 0.06, "faults": False},
}
MEMBER_STREAM = "ads_members"
"""The random stream of the unit -> member link (its own, so the experiments' values do not move)."""
MEMBER_SHARE = 0.4
"""Share of the people with a shop account who see the experiments' ads while logged in (one unit each)."""
COLUMNS = ["experiment_id", "unit_id", "variant", "date", "impressions", "clicks", "conversions", "revenue", "cost",
           "pre_conversions", "pre_revenue", "pre_impressions", "pre_clicks",
           "age_group", "gender", "interest", "channel", "landing_page"]
_AGE = np.array(["18-24", "25-34", "35-44", "45-54", "55+"])
_INTEREST = np.array(["coffee", "tea", "snacks", "tableware", "appliances", "gifts"])
_CHANNEL = np.array(["search", "social", "display", "video"])


def _phi(x: float) -> float:
    return 0.5 * (1 + erf(x / sqrt(2)))


def cvr_power(units: int, lift: float, alpha_z: float = 1.959964) -> float:
    """Power of a two-sided two-proportion z-test on CVR (clicks as trials) for ``units`` split 50/50."""
    if lift == 0:
        return 0.05
    clicks = units / 2 * BASE_IMPRESSIONS * BASE_CTR
    p1, p2 = BASE_CVR, BASE_CVR * (1 + lift)
    z = abs(p2 - p1) / sqrt((p1 * (1 - p1) + p2 * (1 - p2)) / clicks)
    return round(_phi(z - alpha_z) + _phi(-z - alpha_z), 4)


def _one(exp_id: str, spec: dict, units: int, rng: np.random.Generator) -> tuple[pd.DataFrame, dict]:
    """Rows of one experiment (before faults) and its truth."""
    n = units
    treat = rng.random(n) < 0.5
    offset = rng.integers(0, DAYS, n)
    activity = rng.lognormal(-ACTIVITY_SIGMA ** 2 / 2, ACTIVITY_SIGMA, n)
    ctr = np.minimum(BASE_CTR * rng.lognormal(-0.045, 0.3, n), 0.9)
    cvr_unit = np.minimum(BASE_CVR * rng.lognormal(-0.03125, 0.25, n), 0.8)
    age = _AGE[rng.choice(len(_AGE), n, p=[0.18, 0.34, 0.25, 0.14, 0.09])]
    gender = np.where(rng.random(n) < 0.55, "F", "M")
    interest = _INTEREST[rng.integers(0, 6, n)]
    channel = _CHANNEL[rng.choice(4, n, p=[0.35, 0.35, 0.2, 0.1])]
    group_share = 1 / len(_INTEREST)
    unit_lift = (np.where(interest == UPLIFT_GROUP[1], spec["cvr_lift"] / group_share, 0.0) if spec.get("uplift")
                 else np.full(n, spec["cvr_lift"]))
    cvr = np.where(treat, np.minimum(cvr_unit * (1 + unit_lift), 1.0), cvr_unit)
    imp = rng.poisson(BASE_IMPRESSIONS * activity)
    clicks = rng.binomial(imp, ctr)
    conv = rng.binomial(clicks, cvr)
    pre_imp = rng.poisson(BASE_IMPRESSIONS * activity * PRE_DAYS / DAYS)
    pre_clicks = rng.binomial(pre_imp, ctr)
    pre_conv = rng.binomial(pre_clicks, cvr_unit)

    def revenue(c: np.ndarray) -> np.ndarray:
        return np.round(np.where(c > 0, rng.gamma(np.maximum(c, 1) * 2.0, ORDER_VALUE / 2.0), 0.0), 2)

    df = pd.DataFrame({
        "experiment_id": exp_id, "unit_id": "", "variant": np.where(treat, "treatment", "control"),
        "date": [f"{spec['start'] + timedelta(days=int(o)):%Y-%m-%d}" for o in offset],
        "impressions": imp, "clicks": clicks, "conversions": conv, "revenue": revenue(conv),
        "cost": np.round(clicks * COST_PER_CLICK * rng.uniform(0.8, 1.2, n), 2),
        "pre_conversions": pre_conv, "pre_revenue": revenue(pre_conv),
        "pre_impressions": pre_imp, "pre_clicks": pre_clicks,
        "age_group": age, "gender": gender, "interest": interest, "channel": channel,
        "landing_page": np.where(treat, "page_b", "page_a")})
    conv_rate = BASE_IMPRESSIONS * BASE_CTR * BASE_CVR
    lift = spec["cvr_lift"]
    rates = {v: {"ctr": BASE_CTR, "cvr": round(BASE_CVR * m, 6), "impressions_per_unit": BASE_IMPRESSIONS,
                 "clicks_per_unit": BASE_IMPRESSIONS * BASE_CTR, "conversions_per_unit": round(conv_rate * m, 6),
                 "revenue_per_unit": round(conv_rate * m * ORDER_VALUE, 4)}
             for v, m in (("control", 1.0), ("treatment", 1.0 + lift))}
    truth = {
        "planned_split": {"control": 0.5, "treatment": 0.5}, "start_date": f"{spec['start']:%Y-%m-%d}",
        "end_date": f"{spec['start'] + timedelta(days=DAYS - 1):%Y-%m-%d}", "assignment_days": DAYS,
        "pre_period_days": PRE_DAYS, "units_planned": n, "true_rates": rates,
        "true_relative_lift": {"ctr": 0.0, "cvr": lift, "conversions_per_unit": lift, "revenue_per_unit": lift},
        "true_absolute_lift": {k: round(rates["treatment"][k] - rates["control"][k], 6)
                               for k in ("ctr", "cvr", "conversions_per_unit", "revenue_per_unit")},
        "srm_drop_rate": spec["srm_drop"], "power_at_alpha_0.05": cvr_power(n, lift),
        "uplift_group": ({"column": UPLIFT_GROUP[0], "value": UPLIFT_GROUP[1], "planned_share": round(group_share, 6),
                          "relative_cvr_lift_in_group": round(lift / group_share, 6),
                          "relative_cvr_lift_elsewhere": 0.0, "units": int((interest == UPLIFT_GROUP[1]).sum())}
                         if spec.get("uplift") else None),
        "power_by_size_at_alpha_0.05": None,
    }
    return df, truth


def make_ad_events(units: int, seed: int) -> tuple[pd.DataFrame, dict]:
    """Return ``ad_events`` (file columns, one row per unit and experiment) and the truth per experiment."""
    from experiments.synthetic.sizes import BASE_SIZES, SIZES

    rng = rng_for(seed, "ads")
    pool = rng.permutation(np.arange(1, 2 * units + 1))
    frames, truth = [], {}
    for k, (exp_id, spec) in enumerate(EXPERIMENTS.items()):
        df, t = _one(exp_id, spec, units, rng)
        ids = np.sort(rng.choice(pool, units, replace=False)) if k else np.sort(pool[:units])
        df["unit_id"] = [f"AU{i:07d}" for i in ids]
        if spec["srm_drop"]:
            drop = (df["variant"].to_numpy() == "treatment") & (rng.random(len(df)) < spec["srm_drop"])
            t["srm_dropped_units"] = int(drop.sum())
            df = df[~drop]
        counts = {"units_in_both_variants": 0, "wrong_landing_page_rows": 0, "duplicate_rows": 0}
        if spec["faults"]:
            df, counts = _faults(df, rng)
        t.update(counts)
        t["power_by_size_at_alpha_0.05"] = {s: cvr_power(z.exp_units, spec["cvr_lift"]) for s, z in SIZES.items()
                                              if s in BASE_SIZES}
        t["rows"] = len(df)
        t["observed"] = _observed(df)
        frames.append(df)
        truth[exp_id] = t
    return pd.concat(frames, ignore_index=True)[COLUMNS], truth


def link_members(events: pd.DataFrame, member_refs: np.ndarray, person_ids: np.ndarray,
                 seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return ``events`` with a last column ``member_ref`` and the link's truth (person_id, unit_id, member_ref).

    ``member_refs`` holds one shop user id per person with a shop account, ``person_ids`` those persons' ids (same
    order). ``MEMBER_SHARE`` of them (at most one per unit) get one distinct unit of ``events``, drawn from the
    stream ``MEMBER_STREAM``; every unit's rows (all its experiments, variants and duplicates) carry the same ref.
    """
    rng = rng_for(seed, MEMBER_STREAM)
    units = np.sort(events["unit_id"].unique())
    k = min(int(round(MEMBER_SHARE * len(member_refs))), len(units))
    who = np.sort(rng.choice(len(member_refs), k, replace=False))
    unit = rng.choice(units, k, replace=False)
    link = pd.Series(np.asarray(member_refs)[who], index=unit)
    out = events.assign(member_ref=events["unit_id"].map(link).fillna("").to_numpy())
    truth = pd.DataFrame({"person_id": np.asarray(person_ids)[who], "unit_id": unit, "member_ref": link.to_numpy()})
    return out, truth.sort_values("unit_id", ignore_index=True)


def _faults(df: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, dict]:
    """Plant units in both variants, rows with the other variant's landing page and exact duplicate rows."""
    n = len(df)
    k_both, k_lp, k_dup = max(3, n // 500), max(3, n // 400), max(3, n // 500)
    rows = rng.choice(n, k_both + k_lp + k_dup, replace=False)
    both, lp, dup = rows[:k_both], rows[k_both:k_both + k_lp], rows[k_both + k_lp:]
    df = df.reset_index(drop=True).copy()
    other = df.iloc[both].copy()
    flip = other["variant"].eq("control").to_numpy()
    other["variant"] = np.where(flip, "treatment", "control")
    other["landing_page"] = np.where(flip, "page_b", "page_a")
    other["clicks"] = np.minimum(other["clicks"].to_numpy(), other["impressions"].to_numpy())
    lp_col = df.columns.get_loc("landing_page")
    df.iloc[lp, lp_col] = np.where(df.iloc[lp]["landing_page"].to_numpy() == "page_a", "page_b", "page_a")
    out = pd.concat([df, other, df.iloc[dup]], ignore_index=True)
    out = out.sort_values(["unit_id", "variant"], kind="stable").reset_index(drop=True)
    return out, {"units_in_both_variants": int(k_both), "wrong_landing_page_rows": int(k_lp),
                 "duplicate_rows": int(k_dup)}


def _observed(df: pd.DataFrame) -> dict:
    """Observed per-variant figures in the written rows (faults included), for quick sanity checks."""
    g = df.groupby("variant")[["impressions", "clicks", "conversions", "revenue"]].sum()
    n = df.groupby("variant").size()
    out: dict = {"units": {k: int(v) for k, v in n.items()}}
    out["cvr"] = {k: round(float(g.at[k, "conversions"] / g.at[k, "clicks"]), 6) for k in g.index}
    out["ctr"] = {k: round(float(g.at[k, "clicks"] / g.at[k, "impressions"]), 6) for k in g.index}
    out["corr_pre_conversions_conversions"] = round(float(np.corrcoef(df["pre_conversions"], df["conversions"])[0, 1]),
                                                    4)
    return out
