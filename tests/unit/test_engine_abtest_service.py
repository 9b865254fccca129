"""06's and 07's data steps on the engine (experiments.data.engine) against the pandas code they replaced, on the
tiny company world.

- 06 (``abtest.engine_steps.arm_moments``): per-variant n, sums, means and centred cross-products of the unit table,
  and every statistic read from them (z and Welch tests, CUPED, delta-method ratios, ratio CUPED) against the
  pandas/numpy/scipy computations on the unit rows that ``analysis.run`` used before (kept below as the reference).
- 07 (``service.engine_steps``): the per-channel service levels and the channel x weekday x hour tables (hour and
  weekday shares, worst hours, weekend gap, staffing's peak-hour share) against the pandas groupbys they replaced;
  a message log's first replies against the pandas ``message_contacts`` they replaced, on a log made from the tiny
  world's contacts (with follow-ups, second replies, a tie and a reply before its contact).

Exact for counts, ids and times, 1e-9 relative for sums and statistics. DuckDB always; PySpark in local mode (one
session for the module) when pyspark and a Java runtime are there, else skipped with the reason.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from engine_helper import ENGINES
from experiments import abtest, service
from experiments.abtest import engine_steps as ab_steps
from experiments.abtest import funnel, ratio_cuped, sources
from experiments.abtest.cuped import cuped_compare
from experiments.abtest.frequentist import compare_all
from experiments.data.engine import Engine
from experiments.data.inputs import InputTable
from experiments.lab.config import notebook_parameters
from experiments.service import contacts, reply_times
from experiments.service import engine_steps as sv_steps

RTOL = 1e-9


@pytest.fixture(scope="module")
def engines() -> dict[str, Engine]:
    """The notebooks' engine settings; Spark on one local core (one session for the whole module)."""
    cfg = abtest.Config.from_parameters(notebook_parameters("06_ad_ab_analysis", "tiny"))
    return {"duckdb": cfg.data_engine(), "spark": Engine("spark", "local[1]", cfg.engine_memory_limit)}


# ---------------------------------------------------------------- 06: the pandas reference (before the engine step)

def _welch_rows(yt: np.ndarray, yc: np.ndarray) -> tuple[float, float, float]:
    """Welch's t and p and the Welch-Satterthwaite interval half-width at 95%, from the unit rows (scipy)."""
    res = stats.ttest_ind(yt, yc, equal_var=False)
    vt, vc = yt.var(ddof=1) / len(yt), yc.var(ddof=1) / len(yc)
    dof = (vt + vc) ** 2 / (vt**2 / (len(yt) - 1) + vc**2 / (len(yc) - 1))
    return float(res.statistic), float(res.pvalue), float(stats.t.ppf(0.975, dof) * math.sqrt(vt + vc))


def _ratio_se_rows(y: np.ndarray, x: np.ndarray) -> tuple[float, float]:
    mx, my = x.mean(), y.mean()
    cov = np.cov(y, x, ddof=1)
    var = (cov[0, 0] / mx**2 - 2 * my * cov[0, 1] / mx**3 + my**2 * cov[1, 1] / mx**4) / len(x)
    return float(my / mx), float(math.sqrt(max(var, 0.0)))


def _ratio_cuped_rows(t: list[np.ndarray], c: list[np.ndarray]) -> tuple[float, float, float]:
    """(adjusted difference, its SE, theta) of ratio CUPED from the unit rows (the linearised values)."""
    def mom(y, x, u, v):  # noqa: ANN001, ANN202
        r, cc = y.mean() / x.mean(), u.mean() / v.mean()
        cov = np.cov(np.vstack([(y - r * x) / x.mean(), (u - cc * v) / v.mean()]), ddof=1)
        return len(y), r, cc, cov[0, 0], cov[1, 1], cov[0, 1]

    mt, mc = mom(*t), mom(*c)
    mp = mom(*(np.concatenate([a, b]) for a, b in zip(t, c, strict=True)))
    theta = mp[5] / mp[4]

    def adj(m):  # noqa: ANN001, ANN202
        return m[1] - theta * (m[2] - mp[2]), (m[3] + theta**2 * m[4] - 2 * theta * m[5]) / m[0]

    (vt, var_t), (vc, var_c) = adj(mt), adj(mc)
    return vt - vc, math.sqrt(var_t + var_c), theta


@pytest.fixture(scope="module")
def ab(tiny_world, engines):
    """The tiny world's exp_cvr_lift analysed with the notebook's tiny profile, its units and the moment columns."""
    cfg = abtest.Config.from_parameters(notebook_parameters("06_ad_ab_analysis", "tiny", {"aa_sims": 0}))
    frame = sources.company_world(cfg.experiment_id, tiny_world / "processed")
    a = abtest.run(replace(cfg, engine="duckdb"), sources.from_frame(frame, "tiny world"))
    data = ratio_cuped.check_pre_cols(a.data, cfg.pre_funnel_cols)
    cols = [*cfg.metric_cols, cfg.pre_metric_col, *funnel.FUNNEL_COLS.values(), *cfg.pre_funnel_cols.values()]
    return cfg, a, data, list(dict.fromkeys(c for c in cols if c in data.columns))


@pytest.mark.parametrize("kind", ENGINES)
def test_arm_moments_on_the_engine_are_the_pandas_moments(kind, ab, engines):
    cfg, _, data, cols = ab
    got = ab_steps.arm_moments(engines[kind], data, cfg.variant_col, cols)
    arm = data[cfg.variant_col].astype(str)
    assert sorted(got) == sorted(arm.unique()) and len(cols) >= 10
    for v, m in got.items():
        part = data.loc[arm == v, cols].astype(float)
        assert m.n == len(part) > 100
        np.testing.assert_allclose([m.sum(c) for c in cols], part.sum().to_numpy(), rtol=RTOL)
        np.testing.assert_allclose([m.avg(c) for c in cols], part.mean().to_numpy(), rtol=RTOL)
        cov = part.cov().to_numpy()  # pandas' sample covariances (ddof 1)
        np.testing.assert_allclose([[m.cov(a, b) for b in cols] for a in cols], cov, rtol=RTOL, atol=1e-12)


def test_tests_cuped_and_ratios_from_the_moments_are_the_pandas_statistics(ab):
    cfg, a, data, _ = ab
    arm = data[cfg.variant_col].astype(str)
    t, c = arm == "treatment", arm == cfg.control_label
    # fixed-horizon tests: z on the counts (binary metrics), Welch on the rows (numeric ones)
    table = compare_all(data, list(cfg.metric_cols), variant_col=cfg.variant_col, control_label=cfg.control_label,
                        arms=ab_steps.arm_stats(data, cfg.metric_cols, cfg.variant_col))
    pd.testing.assert_frame_equal(table, a.results, check_exact=False, rtol=RTOL)
    for r in a.results.to_dict("records"):
        yt, yc = data.loc[t, r["metric"]].to_numpy(float), data.loc[c, r["metric"]].to_numpy(float)
        assert (r["n_treatment"], r["n_control"]) == (len(yt), len(yc))
        assert r["rate_treatment"] == pytest.approx(yt.mean(), rel=RTOL)
        if r["kind"] == "mean":
            stat, p, half = _welch_rows(yt, yc)
            assert (r["stat"], r["p_value"], r["ci_high"] - r["abs_lift"]) == pytest.approx((stat, p, half), rel=RTOL)
    assert {"mean", "proportion"} <= set(a.results["kind"])
    # CUPED: theta pooled, Welch on the adjusted rows
    y, x = data.loc[t | c, cfg.primary].to_numpy(float), data.loc[t | c, cfg.pre_metric_col].to_numpy(float)
    theta = np.cov(y, x, ddof=1)[0, 1] / x.var(ddof=1)
    adj = y - theta * (x - x.mean())
    stat, p, _ = _welch_rows(adj[t[t | c].to_numpy()], adj[c[t | c].to_numpy()])
    cu = a.cuped["treatment"]
    assert (cu.theta, cu.adjusted.stat, cu.adjusted.p_value) == pytest.approx((theta, stat, p), rel=RTOL)
    assert cu.variance_reduction == pytest.approx(1 - adj.var(ddof=1) / y.var(ddof=1), rel=RTOL)
    mem = cuped_compare(data, cfg.primary, cfg.pre_metric_col, variant_col=cfg.variant_col,
                        control_label=cfg.control_label, variant="treatment")  # moments of the rows in memory
    assert (mem.theta, mem.adjusted.p_value) == pytest.approx((cu.theta, cu.adjusted.p_value), rel=RTOL)
    # delta-method ratios and ratio CUPED
    cols = funnel.FUNNEL_COLS
    for row in a.ratios.to_dict("records"):
        num, den = funnel.RATIOS[row["ratio"]]
        part = arm == row["variant"]
        value, se = _ratio_se_rows(data.loc[part, cols[num]].to_numpy(float), data.loc[part, cols[den]].to_numpy(float))
        assert (row["value"], row["se"]) == pytest.approx((value, se), rel=RTOL)
    assert len(a.ratios) >= 8 and len(a.ratio_cuped) >= 2  # ctr, cvr (the tiny world has no pre-period cost)
    for row in a.ratio_cuped.to_dict("records"):
        num, den = funnel.RATIOS[row["ratio"]]
        names = (cols[num], cols[den], cfg.pre_funnel_cols[num], cfg.pre_funnel_cols[den])
        diff, se, theta = _ratio_cuped_rows([data.loc[t, n].to_numpy(float) for n in names],
                                            [data.loc[c, n].to_numpy(float) for n in names])
        assert (row["abs_lift"], row["se"], row["theta"]) == pytest.approx((diff, se, theta), rel=RTOL)


# ---------------------------------------------------------------- 07: the pandas reference (before the engine steps)

def _levels_pandas(df: pd.DataFrame, min_contacts: int) -> pd.DataFrame:
    g = df.groupby("channel", observed=True)
    t = pd.DataFrame({
        "contacts": g.size(), "replied": g["reply_minutes"].count(), "target_minutes": g["target_minutes"].first(),
        "median_minutes": g["reply_minutes"].median(), "p90_minutes": g["reply_minutes"].quantile(0.9),
        "share_within_target": g["within_target"].mean(), "breaches": g["within_target"].agg(lambda s: int((~s).sum())),
    })
    total = pd.DataFrame({
        "contacts": [len(df)], "replied": [int(df["reply_minutes"].count())], "target_minutes": [np.nan],
        "median_minutes": [df["reply_minutes"].median()], "p90_minutes": [df["reply_minutes"].quantile(0.9)],
        "share_within_target": [df["within_target"].mean()], "breaches": [int((~df["within_target"]).sum())],
    }, index=["all"])
    big = t["contacts"] >= int(min_contacts)
    t = pd.concat([t[big].sort_values("share_within_target"), t[~big].sort_values("contacts", ascending=False)])
    return pd.concat([t, total]).rename_axis("channel")


def _weekend_pandas(df: pd.DataFrame, min_contacts: int) -> pd.DataFrame:
    d = df.assign(part=np.where(df["weekday"] >= 5, "weekend", "weekday"))
    t = d.pivot_table(index="channel", columns="part", values="within_target", aggfunc="mean")
    n = d.pivot_table(index="channel", columns="part", values="within_target", aggfunc="size").reindex_like(t)
    t = t.reindex(columns=["weekday", "weekend"])
    n = n.reindex(columns=["weekday", "weekend"]).fillna(0)
    t = t[(n["weekday"] >= min_contacts) & (n["weekend"] >= min_contacts)]
    t["gap"] = t["weekday"] - t["weekend"]
    return t.sort_values("gap", ascending=False)


@pytest.fixture(scope="module")
def sv(tiny_world):
    """The tiny world's service contacts as notebook 07 reads them (every 17th unanswered), with targets, weekday
    and hour."""
    cfg = service.Config.from_parameters(notebook_parameters("07_service_operations", "tiny"))
    sc = pd.read_parquet(tiny_world / "processed" / "service_contacts.parquet")
    sc.loc[sc.index[::17], "first_reply_at"] = pd.NaT  # some misses (the tiny world answers every contact)
    table = InputTable(frame=sc, columns={"contact_id": "conversation_id", "channel": "channel",
                                          "opened": "opened_at", "first_reply": "first_reply_at"},
                       source="service_contacts", path=None, fingerprint="")
    d = contacts.build(table, cfg.data_engine()).frame
    return cfg, reply_times.with_targets(d, cfg.reply_targets, cfg.utc_offset_hours), sc


@pytest.mark.parametrize("kind", ENGINES)
def test_reply_aggregates_on_the_engine_are_the_pandas_tables(kind, sv, engines):
    cfg, d, _ = sv
    assert d["reply_minutes"].isna().any() and d["channel"].nunique() >= 4  # misses and several channels
    agg = sv_steps.reply_aggregates(engines[kind], d)
    n = cfg.min_channel_contacts
    lv, ref = reply_times.service_levels(agg, n), _levels_pandas(d, n)
    assert lv.index.tolist() == ref.index.tolist()
    pd.testing.assert_frame_equal(lv, ref, check_exact=False, rtol=RTOL, check_index_type=False)
    for by in ("hour", "weekday"):
        want = d.pivot_table(index="channel", columns=by, values="within_target", aggfunc="mean", observed=True)
        pd.testing.assert_frame_equal(reply_times.share_by(agg.cube, by), want, rtol=RTOL, check_names=False,
                                      check_index_type=False, check_column_type=False)
    g = d.groupby(["channel", "hour"], observed=True)["within_target"].agg(["size", "mean"])
    g = g[g["size"] >= 10].rename(columns={"size": "contacts", "mean": "share_within_target"})
    pd.testing.assert_frame_equal(reply_times.worst_hours(agg.cube),
                                  g.sort_values("share_within_target").head(8).reset_index(), rtol=RTOL,
                                  check_dtype=False)
    pd.testing.assert_frame_equal(reply_times.weekend_gap(agg.cube, max(1, n // 2)), _weekend_pandas(d, max(1, n // 2)),
                                  rtol=RTOL, check_names=False, check_index_type=False)
    peak = d.groupby(["channel", "hour"]).size().groupby("channel").agg(lambda s: s.max() / s.sum()).to_dict()
    assert reply_times.peak_hour_share(agg.cube) == pytest.approx(peak, rel=RTOL)


def _log(sc: pd.DataFrame) -> pd.DataFrame:
    """A message log from the contacts: each contact's message, a brand reply at its first reply; every 5th contact
    writes a follow-up (joins it), every 7th gets a second, later reply, every 11th two replies at the same time from
    different accounts (the one read first wins) and every 13th a reply stamped before it (set aside)."""
    rows = []
    for i, r in enumerate(sc.itertuples(index=False)):
        cid, at, reply, ch = f"m{i}", r.opened_at, r.first_reply_at, str(r.channel)
        rows.append((cid, None, True, at, f"cust{i}"))
        if i % 5 == 0:
            rows.append((f"{cid}f", cid, True, at + pd.Timedelta(minutes=3), f"cust{i}"))
        if pd.isna(reply):
            continue
        if i % 13 == 0:
            reply = at - pd.Timedelta(minutes=30)
        rows.append((f"{cid}r", cid, False, reply, ch))
        if i % 7 == 0:
            rows.append((f"{cid}r2", f"{cid}f" if i % 5 == 0 else cid, False, reply + pd.Timedelta(hours=1), ch))
        if i % 11 == 0:
            rows.append((f"{cid}r3", cid, False, reply, "other_account"))
    log = pd.DataFrame(rows, columns=["id", "parent", "inbound", "at", "author"])
    return log.assign(at=log["at"].astype(str))


def _first_replies_pandas(m: pd.DataFrame, root: pd.Series) -> pd.DataFrame:
    inb = m[m["inbound"]].assign(contact_id=lambda d: d["id"].map(root))
    opened = inb.groupby("contact_id")["at"].min()
    n_messages = inb.groupby("contact_id").size()
    replies = m[~m["inbound"]].assign(contact_id=lambda d: d["parent"].map(root)).dropna(subset=["contact_id"])
    first = replies.sort_values(["contact_id", "at"], kind="stable").drop_duplicates("contact_id")
    frame = pd.DataFrame({"contact_id": opened.index.astype("string"), "opened_at": opened.to_numpy()})
    frame = frame.merge(first[["contact_id", "at", "author"]].rename(columns={"at": "first_reply_at",
                                                                               "author": "channel"}),
                        on="contact_id", how="left")
    frame["messages"] = frame["contact_id"].map(n_messages).to_numpy()
    return frame


@pytest.mark.parametrize("kind", ENGINES)
def test_first_replies_on_the_engine_are_the_pandas_contacts(kind, sv, engines):
    _, _, sc = sv
    log = _log(sc)
    kw = {"message": "id", "inbound": "inbound", "reply_to": "parent", "time": "at", "channel": "author"}
    m = contacts._messages(log, source="log", **kw)
    root = contacts._roots(m)
    inb = m[m["inbound"]].assign(contact_id=lambda d: d["id"].map(root))
    replies = m[~m["inbound"]].assign(contact_id=lambda d: d["parent"].map(root)).dropna(subset=["contact_id"])
    got = sv_steps.first_replies(engines[kind], inb[["contact_id", "at"]], replies[["contact_id", "at", "author"]])
    want = _first_replies_pandas(m, root)
    got = got[want.columns]
    assert got["first_reply_at"].isna().any() and (want["messages"] > 1).any()
    assert (got["channel"] == "other_account").sum() == 0  # the tie goes to the reply read first
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    for col in ("opened_at", "first_reply_at"):
        assert got[col].dtype == want[col].dtype
    c = contacts.message_contacts(log, engine=engines[kind], source="log", **kw)
    assert len(c.frame) + len(c.unanswered) + len(c.negative) == len(want) and len(c.negative) > 0
