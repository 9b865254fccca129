"""Notebook 06 on careless and hostile input (issues 19, 24 and 26), each case a file this test writes.

- one unit seen in both variants: a clear error before the analysis naming the file, the variant column, what is
  needed and how many units each arm has (was ``KeyError: ('converted', 'treatment')``);
- a semicolon-separated CSV, a .csv.gz and a .csv.bz2 of the same table: the same metrics as the plain comma CSV;
- through the runner ONCE (module fixture) on a table without any id column (``unit_col`` empty: each row is its own
  unit, said in the report), a pre-period column and a metric column whose name holds an email and is 120
  characters long: metrics.json keys equal ``Result.metrics()`` keys (``scrub.safe_key``), the verdict's p-value and
  lift are the headline figures (CUPED, Holm), and the report fits a 1280 px page (``tools/layout.py``).
"""

from __future__ import annotations

import bz2
import gzip
import json
import math
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from experiments import abtest
from experiments.abtest import present
from experiments.common.errors import DataInputError
from experiments.lab import runner
from experiments.lab.config import load_runs, notebook_parameters

NB = "06_ad_ab_analysis"
ROOT = Path(__file__).resolve().parents[2]
EMAIL_METRIC = "clicks_of_alice.smith@example.com_" + "x" * 86  # 120 characters, an email inside


def _run_file(path: Path, **overrides) -> abtest.Result:
    params = notebook_parameters(NB, None, {"input_path": str(path), "unit_col": "customer_id",
                                            "variant_col": "variant", "control_label": "control",
                                            "metric_cols": ["converted"], "aa_sims": 0} | overrides)
    return abtest.run(abtest.Config.from_parameters(params))


def _units(n: int = 200, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    variant = np.repeat(["control", "treatment"], n)
    converted = (rng.random(2 * n) < np.where(variant == "control", 0.10, 0.16)).astype(int)
    return pd.DataFrame({"customer_id": [f"c{i:05d}" for i in range(2 * n)], "variant": variant,
                         "converted": converted})


def test_one_unit_in_both_arms_stops_before_the_analysis_with_the_counts(tmp_path):
    path = tmp_path / "one_unit.csv"
    path.write_text("customer_id,variant,converted\nu1,control,1\nu1,treatment,0\n", encoding="utf-8")
    with pytest.raises(DataInputError) as err:
        _run_file(path)
    text = str(err.value)
    assert "one_unit.csv" in text and "'variant'" in text and "at least one unit per arm" in text
    assert "'control' 0" in text and "'treatment' 0" in text  # how many units each arm has
    assert "2 of 2 rows removed" in text


def test_a_semicolon_csv_gives_the_numbers_of_the_comma_csv(tmp_path):
    units = _units()
    units.to_csv(tmp_path / "comma.csv", index=False)
    (tmp_path / "semicolon.csv").write_text(units.to_csv(index=False, sep=";"), encoding="utf-8")
    assert (tmp_path / "semicolon.csv").read_text(encoding="utf-8").startswith("customer_id;variant;converted\n")
    comma, semi = _run_file(tmp_path / "comma.csv").metrics(), _run_file(tmp_path / "semicolon.csv").metrics()
    assert semi == comma
    control = units[units["variant"] == "control"]
    assert (semi["n_control"], semi["converted_control_rate"]) == (200, pytest.approx(control["converted"].mean()))


def test_gzip_and_bz2_give_the_numbers_of_the_plain_csv(tmp_path):
    units = _units(seed=9)
    text = units.to_csv(index=False).encode("utf-8")
    (tmp_path / "events.csv").write_bytes(text)
    (tmp_path / "events.csv.gz").write_bytes(gzip.compress(text))
    (tmp_path / "events.csv.bz2").write_bytes(bz2.compress(text))
    plain = _run_file(tmp_path / "events.csv").metrics()
    assert _run_file(tmp_path / "events.csv.gz").metrics() == plain
    assert _run_file(tmp_path / "events.csv.bz2").metrics() == plain
    assert plain["n_control"] + plain["n_treatment"] == 400


def test_the_result_table_is_short_enough_for_the_page():
    """Section 2's first table keeps the lifts and p-values (8 columns); counts, statistics and BH go below it."""
    units = _units()
    from test_abtest_support import run_frame

    a = run_frame(units, "customer_id", "variant", "control", ["converted"])
    main, details = present.results_table(a), present.results_details(a)
    assert len(main.columns) <= 8 and max(len(str(c)) for c in main.columns) <= 16
    assert {"p", "p Holm", "abs lift (CI)"} <= set(main.columns)
    assert {"n control", "n treatment", "z / t", "p BH"} <= set(details.columns)


# --- through the runner, once -------------------------------------------------------------------------------------

def _no_id_table(path: Path) -> pd.DataFrame:
    """600 rows, one per customer of a mailing test and no id column; 3 exact repeats that are other customers."""
    rng = np.random.default_rng(21)
    n = 300
    variant = np.repeat(["mail_a", "mail_b"], n)
    pre = rng.poisson(1.0, 2 * n)
    base = 0.08 + 0.05 * pre
    converted = (rng.random(2 * n) < np.where(variant == "mail_b", base * 1.4, base)).astype(int)
    df = pd.DataFrame({"variant": variant, "converted": converted, "pre_orders": pre,
                       "revenue": np.round(rng.gamma(2.0, 8.0, 2 * n) * (1 + converted), 2),
                       EMAIL_METRIC: rng.poisson(2.0, 2 * n)})
    df = pd.concat([df, df.iloc[:3]], ignore_index=True)  # identical rows, still three more customers
    df.to_csv(path, index=False)
    return df


def _overrides(path: Path) -> dict:
    return {"input_path": str(path), "unit_col": "", "variant_col": "variant", "control_label": "mail_a",
            "metric_cols": ["converted", "revenue", EMAIL_METRIC], "pre_metric_col": "pre_orders", "aa_sims": 0}


@pytest.fixture(scope="module")
def no_id_run(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("hostile06")
    frame = _no_id_table(base / "mailing.csv")
    overrides = _overrides(base / "mailing.csv")
    cli = [f"{NB}.{k}={json.dumps(v) if isinstance(v, list) else v}" for k, v in overrides.items()]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CIL_DATA_DIR", str(base / "data"))
        mp.setenv("CIL_REPORTS_DIR", str(base / "reports"))
        record = runner.run([NB], cli_overrides=cli, log=lambda _: None, kind="scheduled")  # a card on the index
    nb = record["notebooks"][0]
    folder = base / "reports" / record["folder"]
    html_path = folder / nb["html"] if nb.get("html") else None
    result = abtest.run(abtest.Config.from_parameters(notebook_parameters(NB, None, overrides)))
    return {"status": nb["status"], "error": nb.get("error"), "frame": frame, "record": nb, "result": result,
            "metrics": json.loads((folder / NB / "metrics.json").read_text(encoding="utf-8"))
            if nb["status"] == "passed" else {},
            "html_path": html_path, "html": html_path.read_text(encoding="utf-8") if html_path else "",
            "index": (base / "reports" / "index.html").read_text(encoding="utf-8")}


@pytest.mark.slow
def test_without_a_unit_column_each_row_is_a_unit_and_the_report_says_so(no_id_run):
    assert no_id_run["status"] == "passed", no_id_run["error"]
    m, frame = no_id_run["metrics"], no_id_run["frame"]
    assert m["n_analysed"] == len(frame) == 603 and m["n_removed_duplicates"] == 0  # repeats are other customers
    assert (m["n_control"], m["n_treatment"]) == (303, 300)
    assert m["converted_control_rate"] == pytest.approx(frame.loc[frame["variant"] == "mail_a", "converted"].mean())
    text = re.sub(r"<[^>]+>", " ", no_id_run["html"])
    assert "each of the 603 rows is its own unit" in re.sub(r"\s+", " ", text)


@pytest.mark.slow
def test_metrics_json_keys_are_the_results_own_keys(no_id_run):
    assert no_id_run["status"] == "passed", no_id_run["error"]
    own = no_id_run["result"].metrics()
    assert set(no_id_run["metrics"]) == set(own)
    assert not any("alice.smith@example.com" in k for k in own)
    long_keys = [k for k in own if "@example.com_" in k]  # the email masked, the key cut to 80 with a hash
    assert len(long_keys) >= 14 and all(len(k) == 80 and re.fullmatch(r"[A-Za-z0-9_.@-]+", k) for k in long_keys)
    assert not any("alice" in k or "smith" in k for k in own)
    assert no_id_run["metrics"]["converted_p_value"] == pytest.approx(own["converted_p_value"], rel=1e-12)


@pytest.mark.slow
def test_the_headline_figures_are_the_ones_the_verdict_uses(no_id_run):
    assert no_id_run["status"] == "passed", no_id_run["error"]
    m, a = no_id_run["metrics"], no_id_run["result"]
    assert m["verdict_basis"] == "cuped"
    cuped = a.cuped["mail_b"].adjusted
    email_p = float(a.results.loc[a.results["metric"] == EMAIL_METRIC, "p_value"].iloc[0])  # its key is hashed
    holm = multipletests([m["cuped_p_value"], m["revenue_p_value"], email_p], method="holm")[1][0]
    assert m["verdict_p_value"] == pytest.approx(holm, rel=1e-9)
    assert m["verdict_p_value"] != pytest.approx(m["converted_p_value"])  # not the unadjusted raw p
    assert (m["verdict_rel_lift"], m["verdict_rel_lift_ci_low"], m["verdict_rel_lift_ci_high"]) == pytest.approx(
        (cuped.rel_lift, cuped.rel_ci_low, cuped.rel_ci_high))
    assert m["verdict_rel_lift_ci_low"] < m["verdict_rel_lift"] < m["verdict_rel_lift_ci_high"]
    assert f"Holm-adjusted {m['verdict_p_value']:.3g}" in " ".join(m["verdict_reasons"])
    headline = dict(load_runs()[NB].headline)
    assert {"verdict", "verdict_p_value", "verdict_rel_lift"} <= set(headline)
    assert not {"conversions_p_value", "conversions_rel_lift"} & set(headline)
    assert "Holm" in headline["verdict_p_value"]
    assert ["verdict_p_value", headline["verdict_p_value"]] in no_id_run["record"]["headline"]
    card = re.search(r'<dt title="verdict_rel_lift">(.*?)</dd>', no_id_run["index"], re.S)  # the front page
    assert card and "verdict uses" in card.group(1) and "interval" in card.group(1)
    assert '<dt title="verdict_p_value">' in no_id_run["index"]
    assert '<dt title="converted_p_value">' not in no_id_run["index"]


_SCROLLS = """<script>
window.addEventListener('load', () => {
  const out = [];
  for (const el of document.querySelectorAll('table')) {
    const box = el.closest('.scroll');
    if (box && box.scrollWidth > box.clientWidth + 1) out.push(Math.round(el.getBoundingClientRect().width));
  }
  const pre = document.createElement('pre'); pre.id = 'cil-scrolls'; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>"""


@pytest.mark.slow
def test_the_report_fits_the_page_and_opens_on_the_verdict(no_id_run, monkeypatch):
    """tools/layout.py at 1280 px: nothing wider than the page column, the verdict within the first 900 px, and no
    table that has to scroll sideways (the old result table was 1,052-1,150 px in a 1,036 px column)."""
    assert no_id_run["status"] == "passed", no_id_run["error"]
    sys.path.insert(0, str(ROOT / "tools"))
    import layout

    if layout.chromium() is None:
        pytest.skip("no headless Chromium")
    seen: dict = {}
    real_run = layout.subprocess.run

    def run(*args, **kwargs):
        done = real_run(*args, **kwargs)
        found = re.search(r'<pre id="cil-scrolls">(.*?)</pre>', done.stdout, re.S)
        seen["scrolls"] = json.loads(found.group(1)) if found else None
        return done

    monkeypatch.setattr(layout, "_SCRIPT", layout._SCRIPT + _SCROLLS)
    monkeypatch.setattr(layout.subprocess, "run", run)
    found = layout.measure(no_id_run["html_path"])
    assert found["wide"] == [] and found["scroll_width"] <= found["viewport"]
    assert found["first_h2"].startswith("Verdict") and found["first_h2_top"] <= layout.FIRST_SCREEN_PX
    assert seen["scrolls"] == []
    assert math.isfinite(no_id_run["metrics"]["verdict_p_value"])
