"""09's bagged X-learner (``nba.learner.Ensemble``) on a small planted two-arm campaign: the mean effect finds the
customers the action moves, and the cautious effect (mean - z x spread across the bags) is never above the mean."""

import numpy as np
import pandas as pd

from experiments.nba.learner import Ensemble, Settings


def _campaign(n: int = 1200, seed: int = 3):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"x1": rng.uniform(0, 1, n), "x2": rng.normal(0, 1, n)})
    arm = pd.Series(np.where(rng.uniform(size=n) < 0.5, "a", "control"))
    effect = np.where(X["x1"] > 0.5, 20.0, -10.0)  # planted: the action helps x1 > 0.5, hurts the others
    y = pd.Series(50 + 10 * X["x2"] + (arm == "a") * effect + rng.normal(0, 5, n))
    return X, arm, y, effect


def test_bagged_effect_finds_the_planted_split_and_cautious_is_lower() -> None:
    X, arm, y, effect = _campaign()
    fitted = Ensemble(Settings(100, 0.05, 7, 10, 42), "control", ["a", "control"], 5).fit(X, arm, y)
    mean = fitted.effects(X)["a"].to_numpy()
    assert len(fitted.members) == 5
    assert np.mean((mean > 0) == (effect > 0)) > 0.9
    assert abs(mean[effect > 0].mean() - 20.0) < 4 and abs(mean[effect < 0].mean() + 10.0) < 4
    cautious = fitted.cautious(X, 1.0)["a"].to_numpy()
    assert (cautious <= mean + 1e-12).all() and (cautious < mean).any()
    assert np.allclose(fitted.cautious(X, 0.0)["a"].to_numpy(), mean)
