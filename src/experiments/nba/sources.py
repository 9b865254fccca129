"""Reading 09's inputs: the company world's campaign and customers, or your own randomized campaign (flat table).

Company world: the cleaned ``campaigns`` table (send, arm, cost, 30-day spend), customer features as of the send
date and as of now from the processed orders, items and feedback (``features.as_of_features``), the care queue and
which customers can be reached (a phone or an e-mail address in ``customers``). Flat table: ``input_path`` (and
``test_path``) through ``data.inputs.load_input`` with the variant, outcome, customer and feature columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from experiments.common.errors import DataInputError, ParameterError
from experiments.data import inputs
from experiments.nba.config import Config
from experiments.nba.features import FEATURES, as_of_features

ROW_PREFIX = "row_"


@dataclass
class Split:
    """One set of campaign customers: features, arm and outcome (same index)."""

    X: pd.DataFrame
    arm: pd.Series
    y: pd.Series


@dataclass
class Data:
    """What was read: the learning and held-out campaign customers, the customers to decide for, and the rules."""

    input: inputs.InputTable
    train: Split
    test: Split
    current: pd.DataFrame
    arms: list[str]
    control: str
    costs: dict[str, float]
    value: float
    is_company_world: bool
    binary_outcome: bool
    send_date: str = ""
    care: set[str] = field(default_factory=set)
    reach: pd.DataFrame | None = None
    quarantined: int = 0
    crossfit: int = 0
    """Folds of the cross-fitted held-out scores (``train`` and ``test`` are then the same customers); 0: none."""
    agents_needed: int | None = None
    """07's staffing figure (``staffing.agents_needed``) when 07 published it (company world)."""


def split_by_arm(n: int, arm: np.ndarray, fraction: float, seed: int) -> np.ndarray:
    """Held-out mask: ``fraction`` of the rows of every arm, drawn at random."""
    rng = np.random.default_rng(seed)
    test = np.zeros(n, dtype=bool)
    for a in np.unique(arm):
        rows = np.flatnonzero(arm == a)
        test[rng.choice(rows, int(round(fraction * len(rows))), replace=False)] = True
    return test


def _costs(config: Config, arms: list[str], control: str, observed: dict[str, float] | None = None) -> dict:
    """Cost per arm: ``cost_per_arm`` when given (arms it omits cost 0), else the costs the campaign recorded."""
    unknown = sorted(set(config.cost_per_arm) - set(arms))
    if unknown:
        raise ParameterError(f"09_next_best_action: cost_per_arm names arms the campaign does not have: {unknown}; "
                             f"arms: {arms}")
    base = config.cost_per_arm or (observed or {})
    return {a: float(base.get(a, 0.0)) for a in arms if a != control}


def _company_campaign() -> tuple[pd.DataFrame, int]:
    """The cleaned campaign: 01's processed ``campaigns`` table (its quarantined rows are counted by 01)."""
    from experiments.data import contracts

    return contracts.load_processed("campaigns"), 0


def _negative_feedback() -> pd.DataFrame | None:
    """Customer feedback with its sentiment: 05's ``feedback_scored`` when published, else none."""
    from experiments.data import contracts, processed

    if not (processed.current_dir() / "feedback_scored.parquet").is_file():
        return None
    return contracts.load_processed("feedback_scored")[["customer_id", "created_at", "sentiment"]]


def load_company(config: Config) -> Data:
    """The company world from data/processed (and the campaign, see ``_company_campaign``)."""
    from experiments.data import contracts, processed

    campaign, n_quarantined = _company_campaign()
    tables = {name: contracts.load_processed(name) for name in ("orders", "items", "customers")}
    feedback = _negative_feedback()
    if feedback is not None:
        tables["feedback_scored"] = feedback
    for name in ("care_queue", "staffing"):
        if (processed.current_dir() / f"{name}.parquet").is_file():
            tables[name] = contracts.load_processed(name)
    return company_data(config, tables, campaign, n_quarantined)


def company_data(config: Config, tables: dict[str, pd.DataFrame], campaign: pd.DataFrame,
                 quarantined: int = 0) -> Data:
    """Campaign customers described as of the send date, current customers as of now, from the processed
    ``tables`` (orders, items, customers; feedback_scored, care_queue and staffing when present) and the cleaned
    campaign."""
    table = inputs.load_input("", {"customer": "customer_id", "variant": "arm", "outcome": "spend_30d"},
                              company=lambda: campaign)
    orders, items, customers = tables["orders"], tables["items"], tables["customers"]
    feedback = tables.get("feedback_scored")
    send = pd.Timestamp(campaign["sent_at"].min()).floor("D")
    camp = campaign.drop_duplicates("customer_id").set_index("customer_id")
    X = as_of_features(orders, items, feedback, send, customers=camp.index)
    arm = camp["arm"].astype(str)
    y = camp["spend_30d"].astype(float)
    test = split_by_arm(len(X), arm.to_numpy(), config.test_fraction, config.seed) if not config.n_folds else \
        np.zeros(len(X), dtype=bool)
    now = orders["ordered_at"].max() + pd.Timedelta(seconds=1)
    current = as_of_features(orders, items, feedback, now)
    care = set(tables["care_queue"]["customer_id"].dropna().astype(str)) if "care_queue" in tables else set()
    reach = pd.DataFrame({"phone": customers["phone"].notna().to_numpy(),
                          "email": customers["email"].notna().to_numpy()}, index=customers["customer_id"])
    arms = sorted(arm.unique())
    control = config.control_label
    _check_arms(arms, control)
    observed = camp.groupby("arm")["cost"].mean().to_dict()
    held = Split(X[test], arm[test], y[test]) if not config.n_folds else Split(X, arm, y)
    return Data(input=table, train=Split(X[~test], arm[~test], y[~test]), test=held, crossfit=config.n_folds,
                current=current, arms=arms, control=control, costs=_costs(config, arms, control, observed),
                value=config.outcome_value, is_company_world=True, binary_outcome=False,
                send_date=f"{send:%Y-%m-%d}", care=care, reach=reach, quarantined=quarantined,
                agents_needed=_agents_needed(tables.get("staffing")))


def _agents_needed(staffing: pd.DataFrame | None) -> int | None:
    """07's ``agents_needed`` (its latest week when several rows), None without the table or a row."""
    if staffing is None or not len(staffing):
        return None
    return int(staffing.sort_values("week_start")["agents_needed"].iloc[-1])


def _check_arms(arms: list[str], control: str) -> None:
    if control not in arms:
        raise DataInputError(f"control_label {control!r} is not an arm of the campaign; arms: {arms}")
    if len(arms) < 2:
        raise DataInputError(f"a campaign needs two or more arms; found {arms}")


def _flat_split(table: inputs.InputTable, config: Config, codes: dict[str, list[str]]) -> Split:
    f = table.frame
    cols = list(config.feature_cols)
    X = pd.DataFrame(index=f.index)
    for c in cols:
        num = pd.to_numeric(f[c], errors="coerce")
        X[c] = pd.Categorical(f[c].astype(str), categories=codes[c]).codes.astype(float) if c in codes else num
    key = f[config.customer_col].astype(str).to_numpy() if config.customer_col else \
        np.array([f"{ROW_PREFIX}{i}" for i in range(len(f))])
    X.index = pd.Index(key, name="customer_id")
    y = pd.to_numeric(f[config.outcome_col], errors="coerce")
    if y.isna().any():
        raise DataInputError(f"{table.source}: outcome column {config.outcome_col!r} has "
                             f"{int(y.isna().sum())} non-numeric or empty values")
    keep = ~X.index.duplicated(keep="first")
    return Split(X[keep], pd.Series(f[config.variant_col].astype(str).to_numpy(), index=X.index)[keep],
                 pd.Series(y.to_numpy(float), index=X.index)[keep])


def load_flat(config: Config) -> Data:
    """Your randomized campaign: ``input_path`` (and ``test_path``), one row per customer (or per ``customer_col``)."""
    roles = {"variant": config.variant_col, "outcome": config.outcome_col, "features": list(config.feature_cols),
             "customer": config.customer_col}
    if not config.feature_cols:
        raise ParameterError("09_next_best_action: feature_cols is empty; name the pre-treatment columns to learn from")
    reading = {"encoding": config.input_encoding, "sheet": config.input_sheet, "sep": config.input_sep,
               "header": config.input_header}
    table = inputs.load_input(config.input_path, roles, optional=("customer",), **reading)
    test_table = inputs.load_input(config.test_path, roles, optional=("customer",), **reading) \
        if config.test_path else None
    frames = [table.frame] + ([test_table.frame] if test_table else [])
    codes = {c: sorted({str(v) for fr in frames for v in fr[c]}) for c in config.feature_cols
             if any(pd.to_numeric(fr[c], errors="coerce").isna().any() for fr in frames)}
    whole = _flat_split(table, config, codes)
    if test_table is not None:
        train, test = whole, _flat_split(test_table, config, codes)
    elif config.n_folds:
        train, test = whole, whole
    else:
        mask = split_by_arm(len(whole.X), whole.arm.to_numpy(), config.test_fraction, config.seed)
        train = Split(whole.X[~mask], whole.arm[~mask], whole.y[~mask])
        test = Split(whole.X[mask], whole.arm[mask], whole.y[mask])
    arms = sorted(set(train.arm) | set(test.arm))
    _check_arms(arms, config.control_label)
    binary = bool(set(np.unique(np.concatenate([train.y.to_numpy(), test.y.to_numpy()]))) <= {0.0, 1.0})
    return Data(input=table, train=train, test=test, current=test.X, arms=arms, control=config.control_label,
                costs=_costs(config, arms, config.control_label), value=config.outcome_value,
                is_company_world=False, binary_outcome=binary,
                crossfit=0 if test_table is not None else config.n_folds)


def load(config: Config) -> Data:
    """The company world (empty ``input_path``) or your campaign."""
    return load_company(config) if config.is_company_world else load_flat(config)


__all__ = ["Data", "FEATURES", "Split", "company_data", "load", "split_by_arm"]
