"""Per-segment treatment effects with multiple-testing corrections.

Slicing an experiment by age, gender, interest and channel multiplies the number of tests: with 20 segments one
is expected to be "significant" at alpha 0.05 by chance. Every segment x metric x variant p-value is therefore
adjusted together with Holm (family-wise) and Benjamini-Hochberg (false discovery rate); see Kohavi, Tang & Xu
(2020), ch. 17 and Benjamini & Hochberg (1995).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict

import pandas as pd

from experiments.abtest.frequentist import add_adjusted, compare
from experiments.abtest.prepare import is_binary, variant_order

MIN_UNITS = 30


def segment_effects(df: pd.DataFrame, segment_cols: Sequence[str], metrics: Sequence[str], *, variant_col: str,
                    control_label: str, alpha: float = 0.05, one_sided: bool = False,
                    min_units: int = MIN_UNITS) -> pd.DataFrame:
    """Return one row per segment column x level x metric x treatment variant, with raw, Holm and BH p-values.

    Levels with fewer than ``min_units`` units in an arm are listed with ``tested`` False and no p-value (too
    small to say anything); they do not count in the corrections.
    """
    rows = []
    order = variant_order(df, variant_col, control_label)
    for seg in segment_cols:
        for level, part in df.groupby(seg, sort=True, observed=True):
            counts = part[variant_col].astype(str).value_counts()
            for metric in metrics:
                kind = "proportion" if is_binary(df[metric]) else "mean"
                for variant in order[1:]:
                    base = {"segment": seg, "level": str(level), "metric": metric, "variant": variant}
                    n_c, n_t = int(counts.get(order[0], 0)), int(counts.get(variant, 0))
                    if min(n_c, n_t) < min_units:
                        rows.append({**base, "n_control": n_c, "n_treatment": n_t, "tested": False})
                        continue
                    res = asdict(compare(part, metric, variant_col=variant_col, control_label=control_label,
                                         variant=variant, alpha=alpha, one_sided=one_sided, kind=kind))
                    res.pop("control")
                    rows.append({**base, **res, "tested": True})
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    if "p_value" not in table:
        table["p_value"] = float("nan")
    return add_adjusted(table, alpha=alpha)
