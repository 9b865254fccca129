"""01's data steps on the engine (experiments.cleaning.engine_steps) against the pandas steps they replaced.

On the tiny company world (raw files as 01 reads them): exact duplicates on every column of each raw source
(``frame.duplicated(keep="first")``), duplicate ``(order_id, line_no)`` keys, and the join of orders' raw customer
references to customer ids (``refs.map(ref_to_customer)``) must give the pandas results exactly. DuckDB always;
PySpark in local mode when pyspark and a Java runtime are there (else skipped with the reason; one Spark session for
the module), and then the same as DuckDB. Plus the values pandas treats specially (missing values equal each other;
1 and 1.0 equal, 1 and "1" not) and the whole clean of the tiny world with both engines.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engine_helper import ENGINES
from experiments.cleaning.engine_steps import customer_ids_of, duplicate_rows
from experiments.cleaning.orders import standardise_ids
from experiments.cleaning.sources import company_sources, load_company, to_order_layout
from experiments.data.engine import Engine


@pytest.fixture(scope="module")
def engines():
    made: dict[str, Engine] = {}

    def get(kind: str) -> Engine:
        if kind not in made:
            made[kind] = Engine(kind, "local[1]", 0.5)
        return made[kind]
    yield get
    if "spark" in made and made["spark"]._spark is not None:
        made["spark"]._spark.stop()


@pytest.fixture(scope="module")
def raw(tiny_world):
    return load_company(tiny_world / "raw")


@pytest.fixture(scope="module")
def ref_to_customer(tiny_world) -> pd.Series:
    customers = pd.read_parquet(tiny_world / "processed" / "customers.parquet")
    pairs = customers.assign(record_id=customers["source_ids"].str.split("|")).explode("record_id")
    return pairs.set_index("record_id")["customer_id"]


@pytest.mark.parametrize("kind", ENGINES)
def test_exact_duplicates_of_every_raw_source_are_pandas_duplicated(kind, engines, raw):
    found = 0
    for name, frame in raw.frames.items():
        expected = frame.duplicated(keep="first")
        got = duplicate_rows(engines(kind), frame)
        assert got.index.equals(frame.index), name
        assert np.array_equal(got.to_numpy(), expected.to_numpy()), name
        found += int(expected.sum())
    assert found >= 40  # the tiny world plants exact duplicates (shop_orders 24, pos 15, ...): the check can fail


@pytest.mark.parametrize("kind", ENGINES)
def test_duplicate_line_keys_are_pandas_duplicated(kind, engines, raw):
    cfg = company_sources("orders")["shop_orders"]
    lines = to_order_layout(raw.frames["shop_orders"], cfg)
    lines["order_id"] = standardise_ids(lines["order_id"])
    lines["line_no"] = pd.to_numeric(lines["line_no"], errors="coerce")
    lines = lines.iloc[::-1]  # an index out of order: the mask follows the frame's rows, not its labels
    expected = lines.duplicated(["order_id", "line_no"], keep="first")
    got = duplicate_rows(engines(kind), lines, ["order_id", "line_no"])
    assert expected.sum() > 0
    assert got.index.equals(lines.index) and np.array_equal(got.to_numpy(), expected.to_numpy())


@pytest.mark.parametrize("kind", ENGINES)
def test_values_pandas_treats_specially(kind, engines):
    frame = pd.DataFrame({"a": [1, 1.0, "1", None, np.nan, 1, "x"],
                          "b": pd.array(["p", "p", "p", None, None, "p", None], dtype="string"),
                          "c": [0.5, 0.5, 0.5, np.nan, np.nan, 0.5, np.nan]}, index=[9, 3, 5, 1, 0, 7, 2])
    expected = frame.duplicated(keep="first")
    assert expected.tolist() == [False, True, False, False, True, True, False]
    assert duplicate_rows(engines(kind), frame).tolist() == expected.tolist()
    assert not duplicate_rows(engines(kind), frame.iloc[0:0]).any()


@pytest.mark.parametrize("kind", ENGINES)
def test_orders_join_to_customers_is_pandas_map(kind, engines, raw, ref_to_customer):
    for name, cfg in company_sources("orders").items():
        refs = standardise_ids(to_order_layout(raw.frames[name], cfg)["customer_ref"])
        expected = refs.map(ref_to_customer).astype("string")
        got = customer_ids_of(engines(kind), refs, ref_to_customer)
        assert expected.notna().sum() > 100 and expected.isna().sum() > 0, name  # known, guest and unknown refs
        pd.testing.assert_series_equal(got, expected, check_names=False)


def test_a_record_id_of_two_customers_is_an_error(engines):
    with pytest.raises(ValueError, match="more than one customer"):
        customer_ids_of(engines("duckdb"), pd.Series(["a"]), pd.Series(["K1", "K2"], index=["a", "a"]))
