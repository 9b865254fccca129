"""09 end to end: check the randomization, learn the incremental response per action, score the policy on held-out
campaign customers, decide for every current customer."""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.nba import randomization, scoring
from experiments.nba.config import Config
from experiments.nba.decide import Rules, call_capacity, decide
from experiments.nba.driver_rule import DRIVER_RULE, driver_rule_policy
from experiments.nba.learner import Ensemble, Settings
from experiments.nba.result import Result
from experiments.nba.sources import Data, Split, load


def _net(split: Split, costs: dict[str, float], value: float) -> np.ndarray:
    """value x outcome - cost of the arm each held-out customer actually got."""
    return value * split.y.to_numpy(float) - np.array([costs.get(a, 0.0) for a in split.arm])


def policy_table(test: Split, pi: np.ndarray, data: Data, n_boot: int, seed: int,
                 rule: np.ndarray | None = None) -> tuple[pd.DataFrame, tuple, tuple | None]:
    """IPW gain over sending nothing of: the learned policy, 04's driver rule (``rule``, when given), everyone gets X
    (each action), nobody; with the bootstrap intervals of the learned policy and of the driver rule."""
    arm, net = test.arm.to_numpy(), _net(test, data.costs, data.value)
    share = (test.arm.value_counts(normalize=True)).to_dict()
    none = np.full(len(arm), data.control, dtype=object)
    v0 = scoring.policy_value(none, arm, net, share)
    learned = scoring.policy_value(pi, arm, net, share) - v0
    rows = [{"policy": "learned: best action per customer", "value_ipw": learned}]
    if rule is not None:
        rows += [{"policy": DRIVER_RULE, "value_ipw": scoring.policy_value(rule, arm, net, share) - v0}]
    rows += [{"policy": f"everyone gets {a}",
              "value_ipw": scoring.policy_value(np.full(len(arm), a, dtype=object), arm, net, share) - v0}
             for a in data.costs]
    rows += [{"policy": "nobody", "value_ipw": 0.0}]

    def gain(idx: np.ndarray, policy: np.ndarray = pi) -> float:
        s = pd.Series(arm[idx]).value_counts(normalize=True).to_dict()
        if len(s) < len(share):
            return float("nan")
        return scoring.policy_value(policy[idx], arm[idx], net[idx], s) - scoring.policy_value(none[idx], arm[idx],
                                                                                              net[idx], s)
    rule_interval = None if rule is None else scoring.bootstrap(lambda i: gain(i, rule), len(arm), n_boot, seed)
    return pd.DataFrame(rows), scoring.bootstrap(gain, len(arm), n_boot, seed), rule_interval


def qini_table(test: Split, effects: pd.DataFrame, control: str, n_boot: int, seed: int,
               baseline: np.ndarray | None = None) -> pd.DataFrame:
    """Qini coefficient per action on the held-out customers of that arm or control, with a bootstrap interval.

    With ``baseline`` (an arm-blind prediction of the outcome made without the customer's own row) the curve is taken
    on outcome - baseline: under randomization that leaves its expectation unchanged (the baseline does not depend on
    the arm) and removes most of the spread between customers from the interval."""
    rows = []
    y_all = test.y.to_numpy(float) - (baseline if baseline is not None else 0.0)
    for k, a in enumerate(effects.columns):
        sel = test.arm.isin([a, control]).to_numpy()
        score, treated = effects[a].to_numpy()[sel], test.arm.to_numpy()[sel] == a
        y = y_all[sel]
        low, high = scoring.bootstrap(lambda i, s=score, t=treated, v=y: scoring.qini(s[i], t[i], v[i]), len(score),
                                      n_boot, seed + k)
        rows.append({"action": a, "qini": scoring.qini(score, treated, y), "low": low, "high": high,
                     "n": int(sel.sum())})
    return pd.DataFrame(rows)


def folds(arm: np.ndarray, k: int, seed: int) -> np.ndarray:
    """Cross-fitting fold (0 .. k-1) of every campaign customer, drawn at random within each arm."""
    fold = np.zeros(len(arm), dtype=int)
    rng = np.random.default_rng(seed)
    for a in np.unique(arm):
        rows = rng.permutation(np.flatnonzero(arm == a))
        fold[rows] = np.arange(len(rows)) % k
    return fold


def crossfit_effects(data: Data, settings: Settings, n_bags: int, z: float,
                     seed: int) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Held-out mean effects, cautious effects and baseline of every campaign customer, each from a learner fitted on
    the other folds (folds by arm)."""
    arm = data.train.arm.to_numpy()
    fold = folds(arm, data.crossfit, seed)
    means, cautious = [], []
    base = np.zeros(len(arm))
    for k in range(data.crossfit):
        out = fold == k
        fitted = Ensemble(settings, data.control, data.arms, n_bags).fit(data.train.X[~out], data.train.arm[~out],
                                                                         data.train.y[~out])
        mean, careful = fitted.both(data.train.X[out], z)
        means.append(mean)
        cautious.append(careful)
        base[out] = fitted.baseline(data.train.X[out])
    index = data.train.X.index
    return pd.concat(means).reindex(index), pd.concat(cautious).reindex(index), base


def within_campaign_range(current: pd.DataFrame, campaign: pd.DataFrame) -> pd.DataFrame:
    """Current customers' features clipped to the range the campaign's customers covered: the learner's linear
    leaves must not extrapolate (tenure and spend have grown since the send date)."""
    return current.clip(lower=campaign.min(), upper=campaign.max(), axis=1)


def run(config: Config, data: Data | None = None) -> Result:
    """Run the analysis on ``data`` (read with ``load(config)`` when not given) and return its ``Result``."""
    data = data or load(config)
    both_X = data.train.X if data.crossfit else pd.concat([data.train.X, data.test.X])
    both_arm = data.train.arm if data.crossfit else pd.concat([data.train.arm, data.test.arm])
    balance = randomization.balance(both_X, both_arm, data.control)
    settings = Settings(config.n_estimators, config.learning_rate, config.num_leaves, config.min_child_samples,
                        config.seed, config.early_stopping_rounds)
    fold = folds(data.train.arm.to_numpy(), data.crossfit, config.seed) if data.crossfit else None
    # the learner deciding for the current customers learns from every campaign customer (one fitted on a fold's
    # (k-1)/k was tried: at tiny seed 7 its wider spread sent no recommendation e-mail instead of 195)
    learner = Ensemble(settings, data.control, data.arms, config.n_bags).fit(data.train.X, data.train.arm,
                                                                              data.train.y)
    if data.crossfit:
        effects, cautious, baseline = crossfit_effects(data, settings, config.n_bags, config.uncertainty_z,
                                                       config.seed)
    else:
        effects, cautious = learner.both(data.test.X, config.uncertainty_z)
        baseline = learner.baseline(data.test.X)
    pi = scoring.choose(cautious, data.costs, data.value, data.control).to_numpy()
    rule = driver_rule_policy(data, settings, fold)
    policies, interval, rule_interval = policy_table(data.test, pi, data, config.n_bootstrap, config.seed, rule)
    qini = qini_table(data.test, effects, data.control, config.n_bootstrap, config.seed, baseline)
    irr_nir = scoring.irr_nir(pi, data.test.arm.to_numpy(), data.test.y.to_numpy(float), data.control, data.value,
                              data.costs) if data.binary_outcome else None
    current_effects = learner.cautious(within_campaign_range(data.current, data.train.X), config.uncertainty_z)
    capacity, capacity_source = call_capacity(config.call_capacity, data.agents_needed)
    rules = Rules(config.budget, capacity, config.contact_cap, config.control_group_share, config.seed)
    decisions = decide(current_effects, data.costs, data.value, rules, care=data.care, reach=data.reach)
    return Result(config=config, data=data, balance=balance, srm_p_value=randomization.srm_p_value(both_arm),
                  effects=effects, policy=pd.Series(pi, index=data.test.X.index), policies=policies,
                  policy_interval=interval, qini=qini, irr_nir=irr_nir, decisions=decisions, learner=learner,
                  driver_rule_interval=rule_interval,
                  call_capacity=capacity, call_capacity_source=capacity_source)
