"""Churn metrics and calibration: hand-worked values, scikit-learn as a reference, and interval behaviour."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

from experiments.churn import calibration, metrics


def test_roc_auc_by_hand_and_against_sklearn() -> None:
    # pairs (churner, stayer): (0.35 vs 0.1) win, (0.35 vs 0.4) lose, (0.8 vs both) win -> 3 of 4 = 0.75
    assert metrics.roc_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.75
    # a tie counts one half: (0.5 vs 0.5) -> 0.5
    assert metrics.roc_auc([0, 1], [0.5, 0.5]) == 0.5
    assert np.isnan(metrics.roc_auc([1, 1], [0.2, 0.3]))
    rng = np.random.default_rng(1)
    y, p = rng.integers(0, 2, 500), np.round(rng.random(500), 2)
    assert metrics.roc_auc(y, p) == pytest.approx(roc_auc_score(y, p), abs=1e-12)
    assert metrics.pr_auc(y, p) == pytest.approx(average_precision_score(y, p), abs=1e-12)
    assert metrics.brier(y, p) == pytest.approx(brier_score_loss(y, p), abs=1e-12)


def test_pr_auc_and_brier_by_hand() -> None:
    # ranked 0.9 (churner), 0.8 (stayer), 0.7 (churner): precision 1 at recall 1/2, 2/3 at recall 1 -> AP 5/6
    assert metrics.pr_auc([1, 0, 1], [0.9, 0.8, 0.7]) == pytest.approx(5 / 6)
    # (0.9-1)^2 + (0.8-0)^2 + (0.7-1)^2 = 0.01 + 0.64 + 0.09 = 0.74, / 3
    assert metrics.brier([1, 0, 1], [0.9, 0.8, 0.7]) == pytest.approx(0.74 / 3)


def test_top_decile_lift_by_hand() -> None:
    # 20 customers, 5 churners (25%); the two highest scores are churners: top decile rate 100% -> lift 4
    y = np.array([1, 1] + [0] * 13 + [1, 1, 1, 0, 0])
    p = np.linspace(1, 0, 20)
    assert metrics.top_decile_lift(y, p) == pytest.approx(4.0)
    # reversed scores put the last two rows, stayers, on top: lift 0
    assert metrics.top_decile_lift(y, p[::-1]) == 0.0
    g = metrics.gain_table(y, p, bins=4)    # quarters of 5: churners 2, 0, 0, 3 -> cumulative 2, 2, 2, 5
    assert g["churners"].tolist() == [2, 2, 2, 5]
    assert g["gain"].iloc[-1] == 1.0 and g["lift"].iloc[0] == pytest.approx((2 / 5) / 0.25)


def test_bootstrap_intervals_cover_the_estimate_and_narrow_with_more_data() -> None:
    rng = np.random.default_rng(3)

    def sample(n):
        y = rng.integers(0, 2, n)
        return y, y * 0.3 + rng.random(n)

    y1, p1 = sample(200)
    y2, p2 = sample(3000)
    t1 = metrics.compare_models(y1, {"m": p1}, n_boot=300, seed=1)
    t2 = metrics.compare_models(y2, {"m": p2}, n_boot=300, seed=1)
    for t in (t1, t2):
        assert t.loc["m", "roc_auc_low"] < t.loc["m", "roc_auc"] < t.loc["m", "roc_auc_high"]
    assert (t2.loc["m", "roc_auc_high"] - t2.loc["m", "roc_auc_low"]) < (
        t1.loc["m", "roc_auc_high"] - t1.loc["m", "roc_auc_low"]) / 2
    idx = metrics.bootstrap_indices(10, 5, 0, np.array([0] * 7 + [1] * 3))
    assert all(np.sum(np.isin(row, [7, 8, 9])) == 3 for row in idx)  # stratified: class counts kept


def test_paired_difference_finds_the_better_model() -> None:
    rng = np.random.default_rng(4)
    y = rng.integers(0, 2, 2000)
    good, weak = y + rng.normal(0, 0.8, 2000), y + rng.normal(0, 2.0, 2000)
    d = metrics.paired_difference(y, good, weak, n_boot=400, seed=2)
    assert d["low"] > 0 and d["share_a_better"] > 0.99
    same = metrics.paired_difference(y, good, good, n_boot=100, seed=2)
    assert same["diff"] == 0 and same["low"] == 0 and same["high"] == 0


def test_calibration_fixes_distorted_probabilities_and_keeps_good_ones() -> None:
    rng = np.random.default_rng(5)
    true_p = rng.uniform(0.02, 0.9, 4000)
    y = (rng.random(4000) < true_p).astype(int)
    distorted = true_p ** 3                  # same ranking, far too low
    cal, scores = calibration.choose_calibration(distorted, y, seed=0)
    assert cal.method in ("platt", "isotonic")
    assert scores[cal.method] < scores["none"] - 0.01
    assert metrics.brier(y, cal(distorted)) < metrics.brier(y, distorted)
    rel = calibration.reliability_table(y, cal(distorted))
    assert np.abs(rel["predicted"] - rel["observed"]).max() < 0.08
    good, _ = calibration.choose_calibration(true_p, y, seed=0)
    assert metrics.brier(y, good(true_p)) <= metrics.brier(y, true_p) + 0.002
    with pytest.raises(ValueError, match="unknown calibration"):
        calibration.fit_calibrator("beta", distorted, y)


def test_vectorised_bootstrap_equals_the_scalar_metrics() -> None:
    rng = np.random.default_rng(6)
    y = rng.integers(0, 2, 300)
    p = np.round(rng.random(300), 1)               # many ties
    idx = metrics.bootstrap_indices(300, 40, 0, y)
    boots = metrics.bootstrap_metrics(y, p, idx)
    for name in ("roc_auc", "pr_auc", "brier"):
        expected = [metrics.METRICS[name](y[i], p[i]) for i in idx]
        assert np.allclose(boots[name], expected), name
    q = rng.random(300)                            # no ties: the top decile is the same rows
    boots = metrics.bootstrap_metrics(y, q, idx)
    assert np.allclose(boots["top_decile_lift"], [metrics.top_decile_lift(y[i], q[i]) for i in idx])


def test_calibration_needs_a_real_gain_to_replace_the_raw_scores() -> None:
    rng = np.random.default_rng(7)
    p = rng.uniform(0.05, 0.95, 600)
    y = (rng.random(600) < p).astype(int)          # already calibrated: any gain is noise
    cal, scores = calibration.choose_calibration(p, y, seed=0)
    assert cal.method == "none"
    forced, _ = calibration.choose_calibration(p, y, seed=0, min_gain=-1.0)   # without the margin: the CV minimum
    assert forced.method == scores.idxmin()
