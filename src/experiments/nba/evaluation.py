"""09 against the company world's planted truth (``raw/_truth/campaign.csv``): the only module of the package that
reads the truth; called by the notebook's "against the planted truth" section and by tests, never by ``run``.

The generator records, per campaign customer (by the raw ``customer_ref`` the campaign cites), the true incremental
30-day spend of every action, its cost and whether the customer is a planted sleeping dog (put off by any contact).
On the held-out campaign customers: the learned policy's true value is the mean of (true effect - cost) of the action
it picks (0 for none); the oracle picks the best action (or none) knowing the truth; "everyone gets X" sends X to all.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from experiments.nba.result import Result


def _col(action: str) -> str:
    return action.replace(" ", "_")


def heldout_truth(result: Result, truth_dir: Path | None = None) -> pd.DataFrame | None:
    """Per held-out campaign customer (index customer_id): true net gain of every action, the sleeping-dog flag and
    the learned policy's action; None off the company world or without the truth file."""
    from experiments.data import paths

    truth_dir = Path(truth_dir) if truth_dir is not None else paths.truth_dir()
    if not result.data.is_company_world or not (truth_dir / "campaign.csv").is_file():
        return None
    truth = pd.read_csv(truth_dir / "campaign.csv", dtype={"customer_ref": str}).drop_duplicates("customer_ref")
    ref = result.data.input.frame.drop_duplicates("customer_id").set_index("customer_id")["customer_ref"]
    t = truth.set_index("customer_ref").reindex(ref.reindex(result.policy.index).to_numpy())
    out = pd.DataFrame({a: (t[f"true_{_col(a)}"] - t[f"cost_{_col(a)}"]).to_numpy() for a in result.data.costs},
                       index=result.policy.index)
    out["sleeping_dog"] = t["sleeping_dog"].to_numpy()
    out["policy"] = result.policy.to_numpy()
    return out.dropna(subset=["sleeping_dog"])


def compare_with_planted(result: Result, truth_dir: Path | None = None) -> dict[str, float] | None:
    """``policy_value_true``, ``oracle_value_true`` (true net gain per held-out customer) and
    ``sleeping_dogs_contacted_share`` (held-out sleeping dogs the learned policy would contact); None without truth."""
    t = heldout_truth(result, truth_dir)
    if t is None or not len(t):
        return None
    actions = list(result.data.costs)
    net = t[actions].to_numpy(float)
    chosen = np.array([net[i, actions.index(p)] if p in actions else 0.0 for i, p in enumerate(t["policy"])])
    dogs = t["sleeping_dog"].to_numpy() == 1
    contacted = t["policy"].to_numpy() != result.data.control
    return {"policy_value_true": round(float(chosen.mean()), 6),
            "oracle_value_true": round(float(np.maximum(net.max(axis=1), 0.0).mean()), 6),
            "sleeping_dogs_contacted_share": round(float(contacted[dogs].mean()) if dogs.any() else 0.0, 6)}


def single_action_values(result: Result, truth_dir: Path | None = None) -> pd.Series | None:
    """True net gain per held-out customer of sending each single action to everyone."""
    t = heldout_truth(result, truth_dir)
    return None if t is None else t[list(result.data.costs)].mean()
