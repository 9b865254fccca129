"""Migration between two runs: the matrix, the alert moves, the previous run's table and the history."""

import pandas as pd

from experiments.segments import migration as mig


def _run(segments: dict[str, str], source: str = "orders.csv", day: str = "2025-01-01") -> pd.DataFrame:
    return pd.DataFrame({"customer_id": list(segments), "rfm_segment": list(segments.values()),
                         "clv": [float(i) for i in range(len(segments))], "source": source,
                         "run_date": pd.Timestamp(day)})


BEFORE = _run({"a": "Champions", "b": "Champions", "c": "Loyal", "d": "Lost", "e": "New"})
AFTER = _run({"a": "Champions", "b": "At risk", "c": "Cannot lose them", "d": "Lost", "f": "New"}, day="2025-02-01")


def test_migration_matrix_and_summary_by_hand():
    m = mig.migration_matrix(BEFORE, AFTER, order=("Champions", "Loyal", "At risk", "Cannot lose them", "Lost", "New"))
    # a stays Champions, b Champions -> At risk, c Loyal -> Cannot lose them, d stays Lost; e gone, f new
    assert m.loc["Champions", "Champions"] == 1 and m.loc["Champions", "At risk"] == 1
    assert m.loc["Loyal", "Cannot lose them"] == 1 and m.loc["Lost", "Lost"] == 1
    assert int(m.to_numpy().sum()) == 4
    s = mig.migration_summary(BEFORE, AFTER)
    assert (s["in_both"], s["moved"], s["new"], s["gone"]) == (4, 2, 1, 1)
    assert s["alerts"]["Champions -> At risk"] == 1 and s["alerts"]["Loyal -> Cannot lose them"] == 1
    assert sum(s["alerts"].values()) == 2
    alerts = mig.alert_customers(BEFORE, AFTER)
    assert alerts["customer_id"].tolist() == ["c", "b"]  # highest CLV first


def test_previous_segments_prefers_the_processed_table_and_matches_the_source(tmp_path):
    current = tmp_path / "processed" / "segments.parquet"
    history = tmp_path / "history"
    assert mig.previous_segments(current, history, "orders.csv") is None
    mig.keep_history(BEFORE, history, "20250101T000000")
    mig.keep_history(_run({"z": "Lost"}, source="other.csv"), history, "20250102T000000")
    prev = mig.previous_segments(current, history, "orders.csv")
    assert prev["customer_id"].tolist() == BEFORE["customer_id"].tolist()  # the newer copy is of another source
    current.parent.mkdir()
    AFTER.to_parquet(current)
    assert mig.previous_segments(current, history, "orders.csv")["customer_id"].tolist() == AFTER[
        "customer_id"].tolist()


def test_history_keeps_the_newest_copies(tmp_path):
    for k in range(5):
        mig.keep_history(BEFORE, tmp_path, f"2025010{k}T000000", keep=3)
    assert sorted(p.name for p in tmp_path.glob("*.parquet")) == [
        "segments_20250102T000000.parquet", "segments_20250103T000000.parquet", "segments_20250104T000000.parquet"]
