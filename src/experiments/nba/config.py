"""09's settings, read from the notebook's parameters (defaults live in the notebook's parameters cell)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from experiments.common.errors import ParameterError
from experiments.common.params import need, text

NOTEBOOK = "09_next_best_action"


def _names(value: Any) -> tuple[str, ...]:
    """A list parameter given as a list or as comma-separated text."""
    if value is None or value == "":
        return ()
    items = value if isinstance(value, (list, tuple)) else str(value).split(",")
    return tuple(str(v).strip() for v in items if str(v).strip())


def _costs(value: Any) -> dict[str, float]:
    """``cost_per_arm`` as {arm: cost}: a dict, JSON text, or empty (the company world's costs come from the data)."""
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise ParameterError(f"{NOTEBOOK}: cost_per_arm must be a mapping {{arm: cost}}; got {value!r}") from exc
    if not isinstance(value, Mapping):
        raise ParameterError(f"{NOTEBOOK}: cost_per_arm must be a mapping {{arm: cost}}; got {value!r}")
    return {str(k): float(v) for k, v in value.items()}


def _optional_int(value: Any) -> int | None:
    """An integer parameter that may be empty (None or "")."""
    return None if value is None or str(value).strip() == "" else int(value)


@dataclass(frozen=True)
class Config:
    """Where the campaign is, how to learn from it and the rules of the decision."""

    input_path: str  # your campaign file; empty: the company world
    input_encoding: str  # text encoding of a CSV (empty: detect)
    input_sheet: str  # Excel sheet (empty: the first)
    input_sep: str  # CSV separator (empty: detect)
    input_header: str  # CSV header row: true, false (empty: detect)
    customer_col: str  # customer column (empty: each row is a customer)
    variant_col: str  # the arm column
    control_label: str  # the arm that got nothing
    outcome_col: str  # the outcome after the send
    feature_cols: tuple[str, ...]  # pre-treatment columns learned from
    cost_per_arm: dict[str, float]  # {arm: cost}; empty: the campaign's recorded costs
    outcome_value: float  # money per unit of outcome
    test_path: str  # a separate held-out file
    test_fraction: float  # held out by arm when n_folds is 0
    n_folds: int  # cross-fitted held-out scores (0: test_fraction)
    budget: float  # money for actions (0: no limit)
    call_capacity: int | None  # agent calls (0: no limit; None: from 07's staffing figure, see decide.call_capacity)
    contact_cap: int  # customers contacted (0: no limit)
    control_group_share: float  # share of the chosen kept as random control
    n_estimators: int
    learning_rate: float
    num_leaves: int
    min_child_samples: int
    early_stopping_rounds: int  # 0: off; else trees without a held-out gain before a model stops (learner, 5.)
    n_bags: int  # learners averaged (different seeds); their spread measures how unsure an effect is
    uncertainty_z: float  # an action is sent only when value x (effect - z x spread) - cost > 0
    n_bootstrap: int
    top_n: int
    seed: int

    @property
    def is_company_world(self) -> bool:
        """True when the campaign is the company world's (empty ``input_path``)."""
        return not self.input_path.strip()

    @classmethod
    def from_parameters(cls, params: Mapping[str, Any]) -> Config:
        """Return the config of the notebook parameters ``params``; a missing key is a ``ParameterError``."""
        def n(key: str) -> Any:
            return need(params, key, NOTEBOOK)

        return cls(input_path=text(params, "input_path", NOTEBOOK), input_encoding=text(params, "input_encoding"),
                   input_sheet=text(params, "input_sheet"),
                   input_sep=text(params, "input_sep"), input_header=text(params, "input_header"),
                   customer_col=text(params, "customer_col", NOTEBOOK),
                   variant_col=text(params, "variant_col", NOTEBOOK),
                   control_label=text(params, "control_label", NOTEBOOK),
                   outcome_col=text(params, "outcome_col", NOTEBOOK), feature_cols=_names(n("feature_cols")),
                   cost_per_arm=_costs(n("cost_per_arm")), outcome_value=float(n("outcome_value")),
                   test_path=text(params, "test_path", NOTEBOOK), test_fraction=float(n("test_fraction")),
                   n_folds=int(n("n_folds")),
                   budget=float(n("budget")), call_capacity=_optional_int(n("call_capacity")),
                   contact_cap=int(n("contact_cap")), control_group_share=float(n("control_group_share")),
                   n_estimators=int(n("n_estimators")), learning_rate=float(n("learning_rate")),
                   num_leaves=int(n("num_leaves")), min_child_samples=int(n("min_child_samples")),
                   early_stopping_rounds=int(n("early_stopping_rounds")),
                   n_bags=int(n("n_bags")), uncertainty_z=float(n("uncertainty_z")),
                   n_bootstrap=int(n("n_bootstrap")), top_n=int(n("top_n")), seed=int(n("seed")))
