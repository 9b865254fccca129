"""``Config``: the notebook's parameters as settings (no defaults here: they live in the notebook's parameters cell,
profiles in conf/params/02_customer_segmentation.yaml, single-key range rules in conf/runs.yaml ``checks:``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

import pandas as pd

from experiments.common.errors import ParameterError
from experiments.common.params import need, text
from experiments.data.engine import Engine
from experiments.segments import tiers

NOTEBOOK = "02_customer_segmentation"


@dataclass(frozen=True)
class Config:
    """Settings of one segmentation run: each field is the notebook parameter of the same name, except ``rules``,
    the fourteen thresholds of the four views (``tiers.TierRules``)."""

    input_path: str  # the input and its columns (sources.load)
    keep_zero_amounts: bool
    input_encoding: str
    input_sheet: str
    input_sep: str
    input_header: str
    customer_col: str  # the roles of a flat transactions table
    time_col: str
    date_order: str
    date_format: str
    amount_col: str
    quantity_col: str
    price_col: str
    calibration_end: str  # dates (``dates``): empty = derived from the data
    as_of: str
    holdout_days: int
    time_unit: str  # the purchase models and CLV
    horizon_months: int
    annual_discount: float
    margin: float
    fit_pareto: bool
    pareto_max_customers: int
    rules: tiers.TierRules  # the thresholds of the four views (the tier parameters)
    publish: bool
    seed: int
    engine: str  # the data engine of the per-customer summaries and the migration (data.engine)
    spark_master: str
    engine_memory_limit: float

    @classmethod
    def from_parameters(cls, params: Mapping[str, Any]) -> Config:
        """Return the ``Config`` of ``params`` (the notebook's parameters; a missing key is a ``ParameterError``,
        thresholds that contradict each other too)."""
        t, n = partial(text, params, notebook=NOTEBOOK), partial(need, params, notebook=NOTEBOOK)
        try:
            rules = tiers.TierRules(**{name: n(name) for name in tiers.TierRules.names()})
        except ValueError as exc:
            raise ParameterError(f"{NOTEBOOK}: {exc}") from exc
        return cls(
            input_path=t("input_path"), input_encoding=t("input_encoding"), input_sheet=t("input_sheet"),
            input_sep=t("input_sep"), input_header=t("input_header"),
            customer_col=t("customer_col"), time_col=t("time_col"), date_order=t("date_order"),
            date_format=t("date_format"), amount_col=t("amount_col"), quantity_col=t("quantity_col"),
            price_col=t("price_col"), keep_zero_amounts=bool(n("keep_zero_amounts")),
            calibration_end=t("calibration_end"), as_of=t("as_of"), holdout_days=int(n("holdout_days")),
            time_unit=t("time_unit"), horizon_months=int(n("horizon_months")),
            annual_discount=float(n("annual_discount")), margin=float(n("margin")), fit_pareto=bool(n("fit_pareto")),
            pareto_max_customers=int(n("pareto_max_customers")), rules=rules, publish=bool(n("publish")),
            seed=int(n("seed")), engine=t("engine"), spark_master=t("spark_master"),
            engine_memory_limit=float(n("engine_memory_limit")))

    def data_engine(self) -> Engine:
        """The engine of the data steps (``engine``, ``spark_master``, ``engine_memory_limit``)."""
        return Engine(self.engine, self.spark_master, self.engine_memory_limit)

    def dates(self, tx: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
        """(calibration_end, as_of): given, or the last purchase day and that minus ``holdout_days``."""
        as_of = pd.Timestamp(self.as_of) if self.as_of else tx["date"].max()
        cal = pd.Timestamp(self.calibration_end) if self.calibration_end else as_of - pd.Timedelta(
            days=self.holdout_days)
        first = tx["date"].min()
        if not first < cal < as_of:
            span = (as_of - first).days
            how = ("set calibration_end to a day between them" if self.calibration_end else
                   f"the purchases span {span} days, so holdout_days={self.holdout_days} leaves nothing to fit on: "
                   f"set holdout_days below {span} (e.g. -p holdout_days={max(span // 3, 1)}) or give calibration_end")
            raise ParameterError(f"calibration_end {cal:%Y-%m-%d} must fall after the first purchase "
                                 f"({first:%Y-%m-%d}) and before as_of ({as_of:%Y-%m-%d}): {how}")
        return cal, as_of
