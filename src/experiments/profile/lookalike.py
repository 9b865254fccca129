"""Lookalikes: prospects (people who never bought) scored by how much they resemble the seed audience.

A calibrated classifier of seed vs. other customers on the traits customers and prospects share (``trait_cols``:
numbers standardised, text one-hot with rare levels pooled) is applied to the prospects. ``logistic`` is a logistic
regression, ``lightgbm`` a small LightGBM (n_jobs=1); both are calibrated (sigmoid, 3-fold), so a score reads as the
chance that a customer with these traits is in the seed. Prospects who are already customers (same id, or same
hashed email or phone) are never scored.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from experiments.common.errors import DataInputError, ParameterError
from experiments.profile.hashing import hashed_identifiers

MODELS = ("logistic", "lightgbm")


@dataclass
class Lookalike:
    """The scored prospects (best first), seed and training counts, and why nothing was scored (when so)."""

    scores: pd.DataFrame
    n_seed: int
    n_train: int
    n_already_customers: int
    note: str = ""

    @property
    def top_decile(self) -> pd.DataFrame:
        """The best-scored tenth of the prospects."""
        return self.scores.head(max(int(np.ceil(len(self.scores) / 10)), 1) if len(self.scores) else 0)


def _model(kind: str, numeric: list[str], text: list[str], seed: int):
    prep = ColumnTransformer([
        ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
        ("txt", make_pipeline(SimpleImputer(strategy="constant", fill_value="unknown"),
                              OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=10)), text)])
    if kind == "lightgbm":
        from lightgbm import LGBMClassifier

        base = LGBMClassifier(n_estimators=200, learning_rate=0.05, num_leaves=15, min_child_samples=20,
                              n_jobs=1, random_state=seed, verbose=-1)
    elif kind == "logistic":
        base = LogisticRegression(max_iter=1000, C=1.0)
    else:
        raise ParameterError(f"08_customer_360: lookalike_model must be one of {', '.join(MODELS)}, got {kind!r}")
    return CalibratedClassifierCV(make_pipeline(prep, base), method="sigmoid", cv=3)


def existing(prospects: pd.DataFrame, profile: pd.DataFrame, id_col: str, country: str) -> pd.Series:
    """True for prospects who are already customers: same id, or same hashed email or phone."""
    hit = prospects[id_col].astype(str).isin(set(profile["customer_id"].astype(str)))
    if {"email", "phone"} & set(prospects.columns):
        mine = hashed_identifiers(profile, country)
        theirs = hashed_identifiers(prospects, country)
        for col in ("email_sha256", "phone_sha256"):
            known = set(mine[col]) - {""}
            hit |= theirs[col].isin(known) & theirs[col].ne("")
    return hit


def score(profile: pd.DataFrame, prospects: pd.DataFrame | None, seed_rule: str, traits: tuple[str, ...],
          kind: str, seed: int, country: str) -> Lookalike:
    """Fit seed (``profile.query(seed_rule)``) vs. other customers on ``traits`` and score the prospects."""
    empty = pd.DataFrame(columns=["prospect_id", "score", "rank"])
    if prospects is None or not len(prospects):
        return Lookalike(empty, 0, 0, 0, "no prospects")
    missing = [c for c in traits if c not in prospects.columns]
    if missing:
        raise DataInputError(f"prospects: trait column(s) {', '.join(missing)} not found; columns: "
                             f"{', '.join(map(str, prospects.columns))}")
    id_col = "prospect_id" if "prospect_id" in prospects.columns else prospects.columns[0]
    train = profile[[c for c in traits if c in profile.columns]]
    absent = [c for c in traits if c not in profile.columns]
    if absent:
        return Lookalike(empty, 0, 0, 0, f"the profile has no trait column(s) {', '.join(absent)}")
    seed_mask = profile.eval(seed_rule).fillna(False).astype(bool).to_numpy()
    usable = train.notna().any(axis=1).to_numpy()
    n_seed = int((seed_mask & usable).sum())
    if n_seed < 10 or int((~seed_mask & usable).sum()) < 10:
        return Lookalike(empty, n_seed, int(usable.sum()), 0, "fewer than 10 seed or other customers to learn from")
    numeric = [c for c in traits if pd.api.types.is_numeric_dtype(train[c])]
    text = [c for c in traits if c not in numeric]
    x = train[usable].copy()
    x[text] = x[text].astype(str)
    model = _model(kind, numeric, text, seed).fit(x, seed_mask[usable].astype(int))
    already = existing(prospects, profile, id_col, country)
    cand = prospects[~already]
    px = cand[list(traits)].copy()
    px[numeric] = px[numeric].apply(pd.to_numeric, errors="coerce")
    px[text] = px[text].astype(str)
    p = model.predict_proba(px)[:, 1]
    scores = pd.DataFrame({"prospect_id": cand[id_col].astype(str).to_numpy(), "score": p})
    scores = scores.sort_values(["score", "prospect_id"], ascending=[False, True], ignore_index=True)
    scores["rank"] = np.arange(1, len(scores) + 1)
    return Lookalike(scores, n_seed, int(usable.sum()), int(already.sum()))
