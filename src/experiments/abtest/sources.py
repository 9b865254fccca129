"""A/B-test input: ``load(config) -> Data``, the company-world adapter and the flat-table adapter.

Both go through the shared loader ``data.inputs.load_input``, which checks every named column (a missing one is a
``DataInputError`` naming the file, the parameter, the column and the closest existing column).

Company world (empty ``input_path``): the processed ``ad_events`` table written by ``01_data_cleaning``, rows of
experiment ``experiment_id``, with per-unit outcomes ``clicked`` and ``converted`` derived (``company_world``). Its
optional roles (pre-period metric and funnel counts, date, segments, landing page, the registry's 50/50 split) are
``COMPANY_ROLES``, which ``config`` fills in where a parameter is left empty. This module never reads the planted
truth (``evaluation`` does).

Flat table: any CSV, Parquet or Excel file with one row per unit; an empty optional role means "not given" (an
empty ``unit_col``: each row is its own unit, as in a mailing test's one row per customer).
``from_frame`` wraps a frame already in memory (tests, benchmarks) the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from experiments.common.errors import DataInputError
from experiments.data import paths
from experiments.data.inputs import InputTable, load_input
from experiments.data.tables import require_columns

if TYPE_CHECKING:
    from experiments.abtest.config import Config

#: The company world's experiment registry: every experiment was planned as an equal split of its variants.
COMPANY_PLANNED_SPLIT = {"control": 0.5, "treatment": 0.5}
#: Company-world outcomes per unit: conversions (count, the planted +10% lift, decides), converted (0/1), clicks
#: (count, CTR unchanged by design: a guardrail) and revenue (CNY).
COMPANY_METRICS = ["conversions", "converted", "clicks", "revenue"]
#: Optional roles filled in for the company world when the parameter is left empty (``config.Config``).
COMPANY_ROLES: dict[str, object] = {"pre_metric_col": "pre_conversions", "time_col": "date",
                                    "segment_cols": ["age_group", "gender", "interest", "channel"],
                                    "consistency_col": "landing_page", "planned_split": COMPANY_PLANNED_SPLIT,
                                    "pre_funnel_cols": {"impressions": "pre_impressions", "clicks": "pre_clicks",
                                                        "conversions": "pre_conversions", "revenue": "pre_revenue"}}
#: role -> parameter of notebook 06; ``load`` passes the roles to ``inputs.load_input``.
ROLE_PARAMETERS = {"unit": "unit_col", "variant": "variant_col", "metric": "metric_cols",
                   "pre_metric": "pre_metric_col", "time": "time_col", "segment": "segment_cols",
                   "consistency": "consistency_col", "guardrail": "guardrail_cols",
                   "uplift_feature": "uplift_features", "pre_funnel": "pre_funnel_cols"}
#: Roles that may be empty; an empty ``unit_col`` makes each row its own unit (a mailing test's one row per customer).
OPTIONAL_ROLES = ("unit", "pre_metric", "time", "segment", "consistency", "guardrail", "uplift_feature", "pre_funnel")


@dataclass
class Data:
    """The rows to analyse (one per unit, before the trust checks) and where they came from."""

    frame: pd.DataFrame
    source: str
    table: InputTable | None = None

    @property
    def company_world(self) -> bool:
        """True when the rows are the company world's ``ad_events`` (then ``evaluation`` can compare with the truth)."""
        return self.table is not None and self.table.is_company_world


def company_events_path(processed: str | Path | None = None) -> Path:
    """Return the path of the company world's ``ad_events.parquet`` (``data/processed`` unless ``processed``)."""
    return (Path(processed) if processed else paths.processed_dir()) / "ad_events.parquet"


def company_world(experiment_id: str, processed: str | Path | None = None) -> pd.DataFrame:
    """Return the company world's ``ad_events`` rows of one experiment, with per-unit outcomes derived.

    Reads the contract table written by ``01_data_cleaning`` (validated against its contract,
    ``contracts.validate``), which keeps every logged row: duplicates and assignment faults are this analysis's trust
    checks, not cleaning's. Only the experiment's rows are kept in memory (``_experiment_rows``: the table is read in
    batches and the other experiments' rows, most of it, are dropped batch by batch).
    Added columns: ``clicked`` = 1 when the unit clicked at least once, ``converted`` = 1 when it converted at
    least once (both 0/1, z-tested); ``revenue`` stays a numeric per-unit amount (Welch-tested). Raises
    ``DataInputError`` when the table is missing (run 01_data_cleaning) or the experiment is unknown.
    """
    import pyarrow.parquet as pq

    from experiments.data.contracts import load_processed, validate

    path = company_events_path(processed)
    if not path.is_file() or "experiment_id" not in pq.read_schema(path).names:
        load_processed("ad_events", str(path.parent))  # its error: not found (run 01 first), or the missing column
    rows, known = _experiment_rows(path, experiment_id)
    if experiment_id not in known:
        raise DataInputError(f"{path.name}: experiment_id {experiment_id!r} not found; found {known}")
    out = validate(rows, "ad_events").reset_index(drop=True)
    require_columns(out, ["experiment_id", "unit_id", "variant", "clicks", "conversions"], path.name)
    out["clicked"] = (pd.to_numeric(out["clicks"], errors="coerce").fillna(0) > 0).astype(int)
    out["converted"] = (pd.to_numeric(out["conversions"], errors="coerce").fillna(0) > 0).astype(int)
    return out


#: Rows of ad_events read at a time by ``company_world``: only the experiment's rows of each batch are kept.
BATCH_ROWS = 200_000


def _experiment_rows(path: Path, experiment_id: str) -> tuple[pd.DataFrame, list[str]]:
    """The rows of ``path`` (a Parquet ad_events table) of one experiment, in file order, and every experiment id
    in it (sorted): read ``BATCH_ROWS`` rows at a time, keeping only the experiment's rows of each batch (at 6
    million rows, 2 million of them in the experiment: peak +0.9 GB in 5 s, where reading the whole table and
    filtering it took +2.5 GB in 10 s and a Parquet ``filters=`` read +1.3 GB in 8.5 s)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    file = pq.ParquetFile(path)
    kept, known = [], set()
    for batch in file.iter_batches(batch_size=BATCH_ROWS):
        ids = batch.column("experiment_id")
        known.update(str(v) for v in pc.unique(ids).to_pylist() if v is not None)
        kept.append(batch.filter(pc.equal(ids, experiment_id)))
    return pa.Table.from_batches(kept, schema=file.schema_arrow).to_pandas(), sorted(known)


def input_roles(config: Config) -> dict[str, object]:
    """Return ``{role: column}`` of ``config`` for ``inputs.load_input`` (roles named as in ``ROLE_PARAMETERS``)."""
    def columns(value: object) -> object:
        if isinstance(value, Mapping):  # pre_funnel_cols: {role: column} -> its columns
            return list(value.values())
        return list(value) if isinstance(value, list | tuple) else value

    return {role: columns(getattr(config, param)) for role, param in ROLE_PARAMETERS.items()}


def load(config: Config) -> Data:
    """Read the input of ``config`` (company world when ``input_path`` is empty, else the flat table)."""
    table = load_input(config.input_path, input_roles(config), optional=OPTIONAL_ROLES,
                       encoding=config.input_encoding, sheet=config.input_sheet, sep=config.input_sep,
                       header=config.input_header, company=lambda: company_world(config.experiment_id))
    if table.is_company_world:
        table.source = f"company world: ad_events[{config.experiment_id}]"
    return Data(table.frame, table.source, table)


def from_frame(frame: pd.DataFrame, source: str = "input") -> Data:
    """Wrap a frame already in memory (one row per unit) as the analysis's ``Data`` (no file, not the company world)."""
    return Data(frame, source)
