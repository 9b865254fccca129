"""Stand-in tables of the analyses 08 joins (03, 04, 05, 09), for the planted test and the benchmark.

08 only joins published tables, so checking or timing it does not need 03/04/05/09 to run: ``stand_ins`` draws
contract-valid ``churn_scores``, ``churn_actions``, ``recommendations``, ``feedback_scored``, ``care_queue`` and
``next_best_actions`` from the cleaned world's customers, feedback and items with its own random numbers. Columns a
contract no longer requires (04's ``action``, which 09 decides now) are left out, as the analyses publish them.
Never used by ``run``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.data.contracts import OUTPUT_SCHEMAS

ACTIONS = ("coupon", "call", "none")


def _required(table: str, column: str) -> bool:
    col = OUTPUT_SCHEMAS[table].columns.get(column)
    return col is not None and col.required


def stand_ins(customers: pd.DataFrame, feedback: pd.DataFrame, items: pd.DataFrame, rng: np.random.Generator, *,
              n_recommendations: int = 5, n_care: int = 30, n_retention: int = 100) -> dict[str, pd.DataFrame]:
    """Contract-valid tables of the other analyses: churn scores for 70% of customers (the top ``n_retention`` on
    the retention list), ``n_recommendations`` items for 80%, a sentiment for every customer's feedback, a care queue
    of up to ``n_care`` customers with a negative message and a next action for 60% (a tenth of them held out in
    the control group, action ``none``)."""
    ids = customers["customer_id"].astype(str).to_numpy()
    scored = rng.choice(ids, int(len(ids) * 0.7), replace=False)
    p = rng.random(len(scored)).round(4)
    churn = pd.DataFrame({"customer_id": scored, "churn_probability": p,
                          "tier": np.where(p > 0.6, "high", np.where(p > 0.3, "medium", "low")),
                          "contact": p > 0.6, "reason_1": "slowing", "reason_2": "fewer items", "reason_3": ""})
    if _required("churn_scores", "action"):
        churn["action"] = None
    top = churn.sort_values("churn_probability", ascending=False).head(n_retention)
    actions = pd.DataFrame({"rank": np.arange(1, len(top) + 1), "customer_id": top["customer_id"].to_numpy(),
                            "churn_probability": top["churn_probability"].to_numpy()})
    if _required("churn_actions", "action"):
        actions["action"] = "call"
    rec_ids = rng.choice(ids, int(len(ids) * 0.8), replace=False)
    k = n_recommendations
    recs = pd.DataFrame({"customer_id": np.repeat(rec_ids, k), "rank": np.tile(np.arange(1, k + 1), len(rec_ids)),
                         "item_id": rng.choice(items["item_id"].astype(str), len(rec_ids) * k), "reason": "",
                         "source": "stand-in"})
    fb = feedback[feedback["customer_id"].notna()].copy()
    fb["sentiment"] = rng.choice(["negative", "neutral", "positive"], len(fb))
    fb = fb.assign(language="zh", intensity=0.5, topic=1, grade=None)
    negative = fb[fb["sentiment"] == "negative"].drop_duplicates("customer_id").head(n_care)
    care = pd.DataFrame({"customer_id": negative["customer_id"],
                         "grade": rng.choice(["mild", "moderate", "severe"], len(negative)), "reason": "stand-in",
                         "action": "call back", "due_at": negative["created_at"]})
    decided = rng.choice(ids, int(len(ids) * 0.6), replace=False)
    act = rng.choice(ACTIONS, len(decided))
    control = (act != "none") & (rng.random(len(decided)) < 0.1)
    act = np.where(control, "none", act)
    gain = np.where(act == "none", 0.0, rng.gamma(2.0, 10.0, len(decided)).round(4))
    nba = pd.DataFrame({"customer_id": decided, "action": act, "expected_gain": gain,
                        "cost": np.where(act == "call", 5.0, np.where(act == "coupon", 2.0, 0.0)),
                        "reason": np.where(control, "random control group", "stand-in"), "control_group": control})
    return {"churn_scores": churn, "churn_actions": actions, "recommendations": recs, "feedback_scored": fb,
            "care_queue": care, "next_best_actions": nba}
