"""03's budgeted search (Optuna with successive-halving pruning, sampled validation users) and ``search: reuse``,
on the tiny company world.

- with ``search_budget_seconds`` > 0 the search tries the given settings first, then settings drawn from the grid's
  values only, never more than the grid has, and stays within its budget (plus one fit per model);
- ``search_validation_users`` scores the search on that many sampled validation users;
- ``publish()`` keeps the chosen settings in data/interim/recommend_search.json, and ``search: reuse`` scores only
  those (one fit per model) and chooses the same settings.
"""

from __future__ import annotations

import json
import time

import pytest

from experiments import recommend
from experiments.lab.config import notebook_parameters
from experiments.recommend import tuning
from experiments.recommend.analysis import grids

NB = "03_recommendations"


@pytest.fixture(scope="module")
def env(tiny_world, tmp_path_factory):
    import shutil

    data = tmp_path_factory.mktemp("search03") / "data"
    shutil.copytree(tiny_world, data, symlinks=True)
    mp = pytest.MonkeyPatch()
    mp.setenv("CIL_DATA_DIR", str(data))
    yield data
    mp.undo()


def _cfg(**over) -> recommend.Config:
    return recommend.Config.from_parameters(notebook_parameters(NB, "tiny", over))


@pytest.mark.slow
def test_budgeted_search_stays_in_the_grid_and_budget_then_reuse(env):
    cfg = _cfg(search_grid="small", search_budget_seconds=6, search_validation_users=40)
    start = time.perf_counter()
    result = recommend.run(cfg)
    took = time.perf_counter() - start
    search = result.search
    grid = grids(cfg)
    for _, row in search.iterrows():  # every tried setting comes from the grid's values
        assert all(v in grid[row["model"]][p] for p, v in row["settings"].items())
    assert set(search["model"]) == {"als", "bpr", "itemknn"}
    assert len(search) <= sum(len(tuning.combinations(g)) for g in grid.values())
    assert search["params"].is_unique
    # the given settings are tried first for every model
    for model in ("als", "bpr", "itemknn"):
        first = search[search["model"] == model].iloc[0]["settings"]
        assert first == dict(cfg.model_params[model])
    assert took < 60
    # publish keeps the chosen settings; reuse scores only those and chooses the same model
    result.publish()
    kept = json.loads((env / "interim" / "recommend_search.json").read_text())
    assert kept["chosen"]["als"] == {k: v for k, v in result.chosen_params["als"].items()}
    again = recommend.run(_cfg(search_grid="small", search="reuse"))
    assert len(again.search) == 3
    assert again.chosen_params["als"] == result.chosen_params["als"]
    assert again.chosen == result.chosen


def test_sampled_validation_users(env):
    cfg = _cfg()
    data = recommend.load(cfg)
    from experiments.recommend.evaluate import prepare
    from experiments.recommend.splits import make_split

    split = make_split(data.interactions.frame, cfg.split, cfg.test_fraction, cfg.seed)
    prep = prepare(tuning.validation_split(split, cfg.validation_fraction, cfg.seed), cfg.weighting)
    assert len(prep.eval_rows) > 20
    sub = tuning.sample_users(prep, 20, seed=1)
    assert len(sub.eval_rows) == 20 and set(sub.eval_rows) <= set(prep.eval_rows)
    assert (tuning.sample_users(prep, 20, seed=1).eval_rows == sub.eval_rows).all()  # seeded
    assert tuning.sample_users(prep, 0, seed=1) is prep  # 0: every user, today's search unchanged


def test_search_none_scores_only_the_given_settings(env):
    result = recommend.run(_cfg(search_grid="small", search="none"))
    assert len(result.search) == 3
    assert result.chosen_params["als"] == dict(_cfg().model_params["als"])


def test_a_setting_that_cannot_finish_within_the_budget_is_skipped_unfitted(env, monkeypatch):
    # fits made slow on purpose: 2 ms per epoch x factor. The given BPR setting (1 epoch) runs first; the 400-epoch
    # one would take 0.8 s and the model's share of the budget is 0.3 s: it is skipped, never fitted (before: Optuna's
    # timeout only stops between trials, so it was started and overran the budget)
    from experiments.recommend import models

    real = models.Recommender._fit
    fitted = []

    def slow_fit(self, user_items):
        time.sleep(0.002 * tuning.fit_units(self.params))
        fitted.append(dict(self.params))
        out = real(self, user_items)
        self.fit_seconds = 0.002 * tuning.fit_units(self.params)
        return out

    monkeypatch.setattr(models.Recommender, "_fit", slow_fit)
    cfg = _cfg(search_grid="none", search_validation_users=40)
    split = recommend.analysis.make_split(recommend.load(cfg).interactions.frame, "time", 0.2, 42)
    prep = tuning.sample_users(recommend.analysis.prepare(tuning.validation_split(split, 0.2, 42), cfg.weighting), 40,
                               42)
    given = {"bpr": {"factors": 1, "learning_rate": 0.01, "regularization": 0.01, "iterations": 1}}
    grid = {"bpr": {"factors": [1], "learning_rate": [0.01], "regularization": [0.01], "iterations": [1, 400]}}
    search = tuning.budgeted_search(prep, grid, 10, 42, 0.3, given)
    assert [p["iterations"] for p in fitted] == [1] and list(search["p_iterations"]) == [1]
