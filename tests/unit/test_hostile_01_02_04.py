"""Issue 26 (hostile and careless input, round two) for notebooks 01, 02 and 04, each on a file this test writes.

- 01: a unit price of 1e20 is quarantined (``price_out_of_range``), and a quarantined ``=HYPERLINK(...)`` cell is
  written ``'=HYPERLINK(...)`` in the quarantine CSV (both writers: ``write_outputs`` and ``Result.publish``);
- 02 through the runner: 21 purchases dated 2031 and one amount ``inf`` are set aside and counted, so ``as_of`` and
  the CLV total equal those of the same table without them, and no infinite spend is published; one customer stops
  with a clear error; a semicolon-separated file gives the comma version's numbers;
- 04: ``max_contacts=-1`` and ``value_multiplier=-12`` stop in ``notebook_parameters``; an infinite feature value
  stops naming column and row; through the runner, a semicolon-separated file whose column names hold ``"``, ``:``
  and ``{`` runs and gives the numbers of the comma version (renamed only inside LightGBM, the report keeps the
  user's names).
"""

from __future__ import annotations

import html
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments import churn, cleaning, segments
from experiments.cleaning.result import write_outputs
from experiments.common.errors import DataInputError, ParameterError
from experiments.lab import runner
from experiments.lab.config import notebook_parameters

pytestmark = pytest.mark.slow

# ---------------------------------------------------------------------------------------------------------- 01 ---

LINK = '=HYPERLINK("http://x")'


def _order_lines(path: Path) -> pd.DataFrame:
    df = pd.DataFrame({
        "InvoiceNo": ["1001", "1002", "1003", "1004"],
        "StockCode": ["A", "B", "A", "C"],
        "Description": ["MUG", LINK, "MUG", "+SUM(1,2)"],
        "Quantity": [2, 1, 3, 1],
        "InvoiceDate": ["2024-01-02 10:00", "2024-01-03 11:00", "2024-01-04 12:00", "2024-01-05 09:00"],
        "UnitPrice": [2.5, 1e20, 2.5, -3.0],
        "CustomerID": ["17850", "17851", "17852", "17853"],
    })
    df.to_csv(path, index=False)
    return df


@pytest.fixture(scope="module")
def cleaned_01(tmp_path_factory):
    base = tmp_path_factory.mktemp("h01")
    _order_lines(base / "lines.csv")
    params = notebook_parameters("01_data_cleaning", None, {
        "input_path": str(base / "lines.csv"), "order_col": "InvoiceNo", "item_col": "StockCode",
        "item_name_col": "Description", "quantity_col": "Quantity", "price_col": "UnitPrice",
        "time_col": "InvoiceDate", "customer_col": "CustomerID", "country_col": ""})
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CIL_DATA_DIR", str(base / "data"))
        mp.setenv("CIL_REPORTS_DIR", str(base / "reports"))
        result = cleaning.run(cleaning.Config.from_parameters(params))
        published = result.publish()
    write_outputs(result.tables, base / "out", quarantine=result.quarantine)
    return {"result": result, "written": base / "out" / "quarantine" / "order_lines.csv",
            "published": Path(published) / "quarantine" / "order_lines.csv"}


def test_01_price_above_a_million_is_quarantined_with_its_reason(cleaned_01):
    r = cleaned_01["result"]
    q = r.quarantine.rows("order_lines")
    assert q.loc[q["InvoiceNo"].astype(str) == "1002", "reason"].tolist() == ["price_out_of_range"]
    assert r.log.count("price_out_of_range") == 1
    assert r.tables["orders"]["unit_price"].max() == 2.5 and r.metrics()["rows_out"] == 2


@pytest.mark.parametrize("which", ["written", "published"])
def test_01_quarantine_csv_cells_cannot_run_in_a_spreadsheet(cleaned_01, which):
    text = cleaned_01[which].read_text(encoding="utf-8")
    q = pd.read_csv(cleaned_01[which], dtype=str)
    assert set(q["Description"]) == {"'" + LINK, "'+SUM(1,2)"}   # the 1e20 row and the negative price row
    assert "\n" + LINK not in text and "," + LINK not in text and ',"' + LINK not in text
    assert set(q["reason"]) == {"price_out_of_range", "negative_price"}


# ---------------------------------------------------------------------------------------------------------- 02 ---

CAL, AS_OF, N = "2024-09-30", "2024-12-31", 30
NB02 = "02_customer_segmentation"


def _purchases() -> pd.DataFrame:
    rows = []
    for i in range(N):
        for day in pd.date_range(pd.Timestamp("2024-01-01") + pd.Timedelta(days=i), AS_OF, freq=f"{7 * (i % 5 + 1)}D"):
            rows.append((f"c{i:02d}", f"{day:%Y-%m-%d}", 10.0 + i))
    return pd.DataFrame(rows, columns=["who", "when", "spent"])


def _hostile_purchases() -> pd.DataFrame:
    future = pd.DataFrame({"who": [f"c{i % N:02d}" for i in range(21)],
                           "when": [f"2031-0{1 + i % 9}-1{i % 10}" for i in range(21)], "spent": 500.0})
    inf = pd.DataFrame({"who": ["c03"], "when": ["2024-06-03"], "spent": [np.inf]})
    return pd.concat([_purchases(), future, inf], ignore_index=True)


def _seg_params(path: Path, **extra) -> dict:
    return notebook_parameters(NB02, None, {"input_path": str(path), "customer_col": "who", "time_col": "when",
                                            "amount_col": "spent", "calibration_end": CAL, "publish": False, **extra})


@pytest.fixture(scope="module")
def run_02(tmp_path_factory):
    base = tmp_path_factory.mktemp("h02")
    _hostile_purchases().to_csv(base / "hostile.csv", index=False)
    _purchases().to_csv(base / "clean.csv", index=False)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CIL_DATA_DIR", str(base / "data"))
        mp.setenv("CIL_REPORTS_DIR", str(base / "reports"))
        record = runner.run([NB02], cli_overrides=[
            f"{NB02}.input_path={base / 'hostile.csv'}", f"{NB02}.customer_col=who", f"{NB02}.time_col=when",
            f"{NB02}.amount_col=spent", f"{NB02}.calibration_end={CAL}", f"{NB02}.publish=true"], log=lambda _: None)
    nb = record["notebooks"][0]
    folder = base / "reports" / record["folder"] / NB02
    clean = segments.run(segments.Config.from_parameters(_seg_params(base / "clean.csv")))
    published = sorted((base / "data").rglob("segments.parquet"))
    return {"status": nb["status"], "error": nb.get("error"), "clean": clean.metrics(),
            "metrics": json.loads((folder / "metrics.json").read_text(encoding="utf-8")) if folder.is_dir() else {},
            "html": (folder / f"{NB02}.html").read_text(encoding="utf-8") if folder.is_dir() else "",
            "published": pd.read_parquet(published[0]) if published else None}


def test_02_future_rows_set_aside_and_counted(run_02):
    assert run_02["status"] == "passed", run_02["error"]
    m, clean = run_02["metrics"], run_02["clean"]
    assert m["as_of"] == clean["as_of"] == AS_OF           # not 2031
    assert m["n_future_rows"] == 21 and clean["n_future_rows"] == 0
    assert m["clv_total"] == pytest.approx(clean["clv_total"], rel=1e-9)   # 445,841 -> 14,628 was the defect
    assert m["n_customers"] == clean["n_customers"] == N
    assert "21 dated in the future" in html.unescape(run_02["html"])


def test_02_infinite_amount_never_published(run_02):
    seg = run_02["published"]
    assert seg is not None and len(seg) == N
    assert np.isfinite(seg["total_spend"]).all()
    want = _purchases().groupby("who")["spent"].sum()
    assert seg.set_index("customer_id")["total_spend"].sort_index().to_numpy() == pytest.approx(want.to_numpy())
    assert "1 with an amount that is not a finite number" in html.unescape(run_02["html"])
    assert "0% of revenue" not in html.unescape(run_02["html"])


def test_02_one_customer_stops_before_the_analysis(tmp_path):
    path = tmp_path / "one.csv"
    _purchases().query("who == 'c04'").to_csv(path, index=False)
    with pytest.raises(DataInputError, match=r"one\.csv: column 'who' holds 1 customer .*at least 2"):
        segments.run(segments.Config.from_parameters(_seg_params(path)))


def test_02_semicolon_file_gives_the_comma_numbers(tmp_path):
    df = _purchases()
    df.to_csv(tmp_path / "comma.csv", index=False)
    df.to_csv(tmp_path / "semi.csv", index=False, sep=";")
    a = segments.run(segments.Config.from_parameters(_seg_params(tmp_path / "comma.csv"))).metrics()
    b = segments.run(segments.Config.from_parameters(_seg_params(tmp_path / "semi.csv"))).metrics()
    assert a == b and a["n_customers"] == N


# ---------------------------------------------------------------------------------------------------------- 04 ---

NB04 = "04_churn_prediction"
ODD = 'plan "A": {x}'


def _customers(n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(5)
    tenure = rng.integers(0, 72, n)
    contract = rng.choice(["Month-to-month", "One year", "Two year"], n, p=[0.5, 0.3, 0.2])
    churned = rng.random(n) < 1 / (1 + np.exp(-(0.5 - 0.05 * tenure + 1.6 * (contract == "Month-to-month"))))
    return pd.DataFrame({"cust": [f"K-{i:04d}" for i in range(n)], "tenure": tenure, "Contract": contract,
                         ODD: rng.normal(size=n).round(3), "Charges": np.round(rng.uniform(20, 110, n), 2),
                         "Left": np.where(churned, "Yes", "No")})


CHURN = {"customer_col": "cust", "label_col": "Left", "positive_label": "Yes", "value_col": "Charges",
         "value_multiplier": 12.0, "n_boot": 50}


@pytest.mark.parametrize(("key", "value"), [("max_contacts", -1), ("value_multiplier", -12)])
def test_04_negative_capacity_or_multiplier_stops_before_anything_runs(key, value):
    with pytest.raises(ParameterError, match=rf"'{key}' = -1\S* must be >= 0"):
        notebook_parameters(NB04, None, {key: value})


def test_04_infinite_feature_names_column_and_row(tmp_path):
    df = _customers(60)
    df["tenure"] = df["tenure"].astype(float)
    df.loc[7, "tenure"] = np.inf
    df.to_csv(tmp_path / "inf.csv", index=False)
    cfg = churn.Config.from_parameters(notebook_parameters(NB04, None, {**CHURN, "input_path": str(tmp_path /
                                                                                                   "inf.csv")}))
    with pytest.raises(DataInputError, match=r"inf\.csv: column 'tenure' has 1 infinite value\(s\) \(row 8\)"):
        churn.load(cfg)


def test_04_infinite_value_column_names_rows_even_when_dropped_from_the_features(tmp_path):
    df = _customers(60)
    df.loc[[3, 9], "Charges"] = [np.inf, -np.inf]
    df.to_csv(tmp_path / "value.csv", index=False)
    cfg = churn.Config.from_parameters(notebook_parameters(NB04, None, {
        **CHURN, "input_path": str(tmp_path / "value.csv"), "drop_cols": ["Charges"]}))
    with pytest.raises(DataInputError, match=r"value\.csv: value_col 'Charges' has 2 value\(s\) that are not finite "
                                             r"numbers \(rows 4, 10\)"):
        churn.load(cfg)


@pytest.fixture(scope="module")
def run_04(tmp_path_factory):
    base = tmp_path_factory.mktemp("h04")
    df = _customers()
    df.to_csv(base / "comma.csv", index=False)
    df.to_csv(base / "semi.csv", index=False, sep=";")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CIL_DATA_DIR", str(base / "data"))
        mp.setenv("CIL_REPORTS_DIR", str(base / "reports"))
        record = runner.run([NB04], cli_overrides=[f"{NB04}.{k}={v}" for k, v in
                                                   {**CHURN, "input_path": base / "semi.csv"}.items()],
                            log=lambda _: None)
        comma = churn.run(churn.Config.from_parameters(notebook_parameters(
            NB04, None, {**CHURN, "input_path": str(base / "comma.csv")})))
    nb = record["notebooks"][0]
    folder = base / "reports" / record["folder"] / NB04
    return {"status": nb["status"], "error": nb.get("error"), "comma": comma,
            "metrics": json.loads((folder / "metrics.json").read_text(encoding="utf-8")) if folder.is_dir() else {},
            "html": (folder / f"{NB04}.html").read_text(encoding="utf-8") if folder.is_dir() else ""}


def test_04_semicolon_file_with_json_characters_in_names_runs(run_04):
    assert run_04["status"] == "passed", run_04["error"]
    m = run_04["metrics"]
    assert m["n_scored"] == 400 and m["lgbm_roc_auc"] > 0.65


def test_04_semicolon_gives_the_comma_numbers(run_04):
    m, c = run_04["metrics"], run_04["comma"].metrics()
    same = [k for k in c if isinstance(c[k], int | float) and not isinstance(c[k], bool) and "seconds" not in k]
    assert len(same) > 10
    for k in same:
        assert (m[k] is None and c[k] is None) or (isinstance(c[k], float) and math.isnan(c[k])) or \
            m[k] == pytest.approx(c[k], rel=1e-9, abs=1e-12), k


def test_04_report_keeps_the_users_column_name(run_04):
    imp = run_04["comma"].importance
    assert ODD in imp.index                                 # the user's name, not LightGBM's internal one
    assert ODD in html.unescape(run_04["html"])
