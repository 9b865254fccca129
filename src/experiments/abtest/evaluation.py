"""06 against the company world's planted truth (``data/raw/_truth/experiments.json``): the only module that reads it.

Called by the notebook's own "Against the planted truth" section and by tests, never by ``analysis.run``. For the
experiment analysed it compares what the analysis found with what the generator planted: the true lift of the
deciding metric (inside the interval?), the trust faults (counted exactly?), the sample-ratio drop (flagged?), the
group that carries the uplift (named?), and the generator's own power for a lift of that size.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from experiments.abtest.result import Result
from experiments.data import paths
from experiments.lab.report import safe

TRUTH_FILE = "experiments.json"
#: deciding metric of the analysis -> the truth's name for it (per unit)
TRUTH_METRICS = {"conversions": "conversions_per_unit", "revenue": "revenue_per_unit"}


def planted_truth() -> dict[str, Any] | None:
    """Return ``_truth/experiments.json`` ({experiment_id: planted facts}), or None without it."""
    path = paths.truth_dir() / TRUTH_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


@dataclass
class TruthCheck:
    """What ``evaluate`` found: ``planted_*`` keys for metrics.json and one row per check for the report."""

    metrics: dict[str, Any] = field(default_factory=dict)
    table: pd.DataFrame | None = None

    @property
    def available(self) -> bool:
        """True when the planted truth was found (company world generated here, two variants)."""
        return bool(self.metrics)


def evaluate(result: Result, truth: dict[str, Any] | None = None) -> TruthCheck:
    """Return the ``TruthCheck`` of ``result`` against the planted truth of its experiment (empty off the company
    world, without ``_truth``, or with more than one treatment); ``truth`` defaults to ``planted_truth()``."""
    if not result.company_world or len(result.treatments) != 1:
        return TruthCheck()
    truth = planted_truth() if truth is None else truth
    planted = (truth or {}).get(result.config.experiment_id)
    if planted is None:
        return TruthCheck()
    m = result.metrics()
    key = TRUTH_METRICS.get(result.primary)
    true_abs = planted["true_absolute_lift"][key] if key else None
    out: dict[str, Any] = {
        "planted_abs_lift": true_abs,
        "planted_rel_lift": planted["true_relative_lift"][key] if key else None,
        "planted_lift_covered": (bool(m[f"{result.primary}_ci_low"] <= true_abs <= m[f"{result.primary}_ci_high"])
                                 if key else None),
        "planted_power": planted["power_at_alpha_0.05"],
        "planted_faults_counted": bool(m["n_removed_duplicates"] == planted["duplicate_rows"]
                                       and m["n_units_multi_variant"] == planted["units_in_both_variants"]
                                       and m["n_removed_mismatched_pairing"] == planted["wrong_landing_page_rows"]),
        "planted_srm_drop_rate": planted["srm_drop_rate"],
    }
    group = planted.get("uplift_group")
    out["planted_uplift_group"] = f"{group['column']}={group['value']}" if group else None
    found = m.get("uplift_top_group")
    out["planted_uplift_group_named"] = (found == out["planted_uplift_group"]) if group and found else None
    rows = [("true lift of the deciding metric", _fmt(true_abs), f"{_fmt(m[f'{result.primary}_abs_lift'])} "
             f"[{_fmt(m[f'{result.primary}_ci_low'])}, {_fmt(m[f'{result.primary}_ci_high'])}]" if key else "–",
             _yes(out["planted_lift_covered"])),
            ("power for that lift (generator)", f"{planted['power_at_alpha_0.05']:.0%}", m["verdict"], "–"),
            ("duplicates / units in both / wrong page",
             f"{planted['duplicate_rows']} / {planted['units_in_both_variants']} / "
             f"{planted['wrong_landing_page_rows']}",
             f"{m['n_removed_duplicates']} / {m['n_units_multi_variant']} / {m['n_removed_mismatched_pairing']}",
             _yes(out["planted_faults_counted"])),
            ("treatment units dropped by logging", f"{planted['srm_drop_rate']:.0%}",
             "flagged" if m["srm_flagged"] else "not flagged",
             _yes(m["srm_flagged"] == (planted["srm_drop_rate"] > 0))),
            ("group carrying the uplift", out["planted_uplift_group"] or "none", found or "–",
             _yes(out["planted_uplift_group_named"]))]
    table = pd.DataFrame(rows, columns=["planted", "truth", "found", "agrees"])
    return TruthCheck(out, table)


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:+.4g}"


def _yes(flag: bool | None) -> str:
    return "–" if flag is None else "yes" if flag else "no"


def section(check: TruthCheck) -> list[Any]:
    """Return what the notebook's "Against the planted truth" section displays (a note when there is no truth)."""
    if not check.available:
        return [safe.md("No planted truth here (a flat table, a company world without data/raw/_truth, or more than "
                        "two variants).")]
    m = check.metrics
    power = m["planted_power"]
    return [safe.md("The generator planted a relative lift of {lift} in the deciding metric; at this size a test "
                    "detects it with {power:.0%} power, so a miss is {miss}.",
                    lift="–" if m["planted_rel_lift"] is None else f"{m['planted_rel_lift']:+.0%}", power=power,
                    miss=f"expected about {1 - power:.0%} of the time" if m["planted_rel_lift"] else
                    "what a correct analysis shows (no lift planted)"),
            safe.frame(check.table)]
