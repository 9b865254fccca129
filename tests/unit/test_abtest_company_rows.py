"""06's company-world adapter reads only the experiment's rows of ad_events (a Parquet filter), and they are the rows,
dtypes and order of the whole contract table filtered in memory (what it did before reading with a filter)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from experiments.abtest import sources
from experiments.data.contracts import load_processed


def _whole_table_filtered(processed: Path, experiment_id: str) -> pd.DataFrame:
    """The reference: the whole validated table read, then filtered (the adapter's code before the filter)."""
    events = load_processed("ad_events", str(processed))
    out = events[events["experiment_id"].astype(str) == experiment_id].reset_index(drop=True)
    out["clicked"] = (pd.to_numeric(out["clicks"], errors="coerce").fillna(0) > 0).astype(int)
    out["converted"] = (pd.to_numeric(out["conversions"], errors="coerce").fillna(0) > 0).astype(int)
    return out


@pytest.mark.parametrize("batch_rows", [200_000, 997])  # one batch; many (the tiny table has ~12,000 rows)
@pytest.mark.parametrize("experiment_id", ["exp_cvr_lift", "exp_aa", "exp_srm"])
def test_filtered_read_is_the_whole_table_filtered(tiny_world: Path, experiment_id: str, batch_rows: int,
                                                   monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(sources, "BATCH_ROWS", batch_rows)
    got = sources.company_world(experiment_id, tiny_world / "processed")
    want = _whole_table_filtered(tiny_world / "processed", experiment_id)
    assert len(got) > 0
    pd.testing.assert_frame_equal(got, want)


def test_only_the_experiment_rows_are_read(tiny_world: Path, monkeypatch: pytest.MonkeyPatch):
    """The frame handed to the contract check already holds one experiment only (no whole-table read)."""
    seen: list[set[str]] = []
    import experiments.data.contracts as contracts

    real = contracts.validate

    def spy(df: pd.DataFrame, table: str) -> pd.DataFrame:
        seen.append(set(df["experiment_id"].astype(str)))
        return real(df, table)

    monkeypatch.setattr(contracts, "validate", spy)
    sources.company_world("exp_aa", tiny_world / "processed")
    assert seen == [{"exp_aa"}]


def test_unknown_experiment_and_missing_table_name_the_problem(tiny_world: Path, tmp_path: Path):
    with pytest.raises(sources.DataInputError, match=r"experiment_id 'nope' not found; found \['exp_aa'"):
        sources.company_world("nope", tiny_world / "processed")
    with pytest.raises(sources.DataInputError, match="run notebooks/01_data_cleaning first"):
        sources.company_world("exp_aa", tmp_path)
