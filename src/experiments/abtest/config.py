"""``Config``: notebook 06's parameters as settings.

No defaults here: they live in the notebook's parameters cell (profiles in conf/params/06_ad_ab_analysis.yaml), and
the range rules (alpha in (0, 1), aa_sims >= 0, planned_looks 1-20, the shapes of the list and dict parameters ...)
in conf/runs.yaml ``checks:``, which the runner (and ``lab.config.notebook_parameters``) applies before a config is
built. ``from_parameters`` adds only what those rules cannot say about the *elements* of a parameter: planned split
shares, quantiles in (0, 1), the funnel roles of ``pre_funnel_cols``, one margin per guardrail, column names as text.

With an empty ``input_path`` the company world's optional roles (``sources.COMPANY_ROLES``: pre-period metric and
funnel counts, date, segments, landing page, the registry's 50/50 split) fill the parameters left empty.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from experiments.abtest.funnel import RATIOS
from experiments.abtest.guardrails import margins_for
from experiments.abtest.sources import COMPANY_ROLES
from experiments.abtest.trust import SRM_ALPHA
from experiments.common.errors import DataInputError, ParameterError
from experiments.common.params import need, text
from experiments.data.engine import Engine

NOTEBOOK = "06_ad_ab_analysis"
#: Power every sample size, MDE and planted power-simulation lift is computed for (not a parameter).
TARGET_POWER = 0.8


@dataclass(frozen=True)
class Config:
    """Settings of one A/B analysis; each field is the notebook parameter of the same name (company roles filled)."""

    input_path: str
    input_encoding: str
    input_sheet: str
    input_sep: str
    input_header: str
    experiment_id: str
    unit_col: str
    variant_col: str
    control_label: str
    metric_cols: tuple[str, ...]
    planned_split: Mapping[str, float] | tuple[float, ...] | None
    pre_metric_col: str
    pre_funnel_cols: Mapping[str, str]
    time_col: str
    date_order: str  # how time_col's slash dates and formats are read (common.dates.parse_dates)
    date_format: str
    segment_cols: tuple[str, ...]
    consistency_col: str
    guardrail_cols: tuple[str, ...]
    guardrail_margins: Mapping[str, float]
    srm_warn_alpha: float
    alpha: float
    one_sided: bool
    target_relative_lift: float
    aa_sims: int
    sequential_method: str
    planned_looks: int
    prior_mean: float
    prior_sd: float
    uplift_features: tuple[str, ...]
    cap_percentile: float
    quantiles: tuple[float, ...]
    unit_sample_rows: int  # the uplift model and the quantile bootstrap read a seeded sample above this; 0: all
    seed: int
    engine: str
    spark_master: str
    engine_memory_limit: float

    def data_engine(self) -> Engine:
        """The engine of the data step, the per-variant moments (``engine``, ``spark_master``,
        ``engine_memory_limit``)."""
        return Engine(self.engine, self.spark_master, self.engine_memory_limit)

    @property
    def power(self) -> float:
        """The power sample sizes and MDEs are computed for (``TARGET_POWER``)."""
        return TARGET_POWER

    @property
    def srm_alpha(self) -> float:
        """The sample-ratio alarm level (``trust.SRM_ALPHA``); ``srm_warn_alpha`` is the warning level above it."""
        return SRM_ALPHA

    @property
    def primary(self) -> str:
        """The deciding metric: the first of ``metric_cols``."""
        return self.metric_cols[0]

    @classmethod
    def from_parameters(cls, params: Mapping[str, Any]) -> Config:
        """Return the ``Config`` of ``params`` (the notebook's parameters; a missing key is a ``ParameterError``)."""
        n, t = partial(need, params, notebook=NOTEBOOK), partial(text, params, notebook=NOTEBOOK)
        _check_elements(params)
        input_path = t("input_path")
        roles = {k: n(k) for k in COMPANY_ROLES}
        if not input_path:  # the company world: its optional columns fill the roles left empty
            roles = {k: v if v else COMPANY_ROLES[k] for k, v in roles.items()}
        split = roles["planned_split"]
        return cls(
            input_path=input_path, input_encoding=t("input_encoding"), input_sheet=t("input_sheet"),
            input_sep=t("input_sep"), input_header=t("input_header"),
            experiment_id=t("experiment_id"), unit_col=n("unit_col"), variant_col=n("variant_col"),
            control_label=str(n("control_label")), metric_cols=tuple(n("metric_cols")),
            planned_split=None if split in (None, "") else dict(split) if isinstance(split, Mapping) else tuple(split),
            pre_metric_col=roles["pre_metric_col"] or "", pre_funnel_cols=dict(roles["pre_funnel_cols"] or {}),
            time_col=roles["time_col"] or "", date_order=t("date_order"), date_format=t("date_format"),
            segment_cols=tuple(roles["segment_cols"] or ()),
            consistency_col=roles["consistency_col"] or "", guardrail_cols=tuple(n("guardrail_cols") or ()),
            guardrail_margins=dict(n("guardrail_margins") or {}), srm_warn_alpha=float(n("srm_warn_alpha")),
            alpha=float(n("alpha")), one_sided=bool(n("one_sided")),
            target_relative_lift=float(n("target_relative_lift")), aa_sims=int(n("aa_sims")),
            sequential_method=t("sequential_method"), planned_looks=int(n("planned_looks")),
            prior_mean=float(n("prior_mean")), prior_sd=float(n("prior_sd")),
            uplift_features=tuple(n("uplift_features") or ()), cap_percentile=float(n("cap_percentile")),
            quantiles=tuple(float(q) for q in n("quantiles") or ()), unit_sample_rows=int(n("unit_sample_rows")),
            seed=int(n("seed")),
            engine=t("engine"), spark_master=t("spark_master"), engine_memory_limit=float(n("engine_memory_limit")))


def _fail(key: str, expected: str, value: Any) -> ParameterError:
    shown = repr(value)
    shown = shown if len(shown) <= 80 else shown[:80] + "..."
    return ParameterError(f"{NOTEBOOK}: parameter {key} must be {expected}, got {shown}")


def _check_elements(params: Mapping[str, Any]) -> None:
    """Raise ``ParameterError`` (naming notebook 06 and the key) for an element conf/runs.yaml ``checks:`` cannot test.

    planned_split shares are numbers >= 0, not all 0; guardrail_margins one relative margin in [0, 1) per
    guardrail; quantiles strictly between 0 and 1; pre_funnel_cols maps funnel roles to column names; the column
    list parameters hold text. Only keys present are checked (a missing key is ``need``'s error).
    """
    split = params.get("planned_split")
    if split not in (None, "", {}, []):
        shares = list(split.values()) if isinstance(split, Mapping) else split
        if isinstance(split, str) or not isinstance(shares, list | tuple):
            raise _fail("planned_split", 'a dict of shares such as {"control": 0.5, "treatment": 0.5} or a list '
                        "of shares in sorted variant order", split)
        if any(isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) or v < 0
               for v in shares) or sum(shares) <= 0:
            raise _fail("planned_split", "shares that are numbers >= 0 and not all 0", split)
    if "guardrail_cols" in params:
        try:
            margins_for(list(params.get("guardrail_cols") or []), params.get("guardrail_margins"))
        except DataInputError as err:
            raise ParameterError(f"{NOTEBOOK}: parameter {err}") from None
    qs = params.get("quantiles")
    if qs is not None and (not isinstance(qs, list | tuple) or any(
            isinstance(q, bool) or not isinstance(q, int | float) or not 0 < q < 1 for q in qs)):
        raise _fail("quantiles", "a list of quantiles strictly between 0 and 1, e.g. [0.5, 0.9]", qs)
    pre_funnel = params.get("pre_funnel_cols")
    roles = sorted({r for pair in RATIOS.values() for r in pair})
    if pre_funnel is not None and (not isinstance(pre_funnel, Mapping) or any(
            k not in roles or not isinstance(v, str) or not v for k, v in pre_funnel.items())):
        raise _fail("pre_funnel_cols", f"a dict {{role: pre-period column}} with roles among {roles}, e.g. "
                    '{"clicks": "pre_clicks", "impressions": "pre_impressions"}', pre_funnel)
    for key in ("metric_cols", "segment_cols", "guardrail_cols", "uplift_features"):
        value = params.get(key)
        if value is not None and (not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value)):
            raise _fail(key, "a list of column names", value)
