"""Plain-language sentences and display tables for the churn report (numbers in, safe Markdown out)."""

from __future__ import annotations

import pandas as pd

from experiments.churn.actions import ACTIONS as ACTION_WORDS
from experiments.churn.charts import MODEL_LABELS
from experiments.churn.result import Result
from experiments.lab.report import safe

DRIVER_WORDS = {"engagement": "buying less or not at all (recency, falling frequency)",
                "service": "bad service (late deliveries, returns, complaints)",
                "price": "price sensitivity (buying on discount)", "other": "other factors", "none": "no clear reason"}


def driver_shares(contacts: pd.DataFrame) -> pd.Series:
    """Return the share of contacted customers by main driver family, largest first."""
    return contacts["main_driver"].value_counts(normalize=True)


def headline(a: Result, period: str = "this week"):
    """The first screen: how many to call, what it is worth, why they are leaving, and how far to trust it."""
    c = a.contacts
    shares = driver_shares(c)
    # driver families and actions are the code's own fixed words; feature names come from data and go through safe
    if shares.get("other", 0) < 0.5:
        why = "; ".join(f"{share:.0%} {DRIVER_WORDS.get(k, 'other factors')}" for k, share in shares.head(3).items())
    else:  # a table of its own: name the leading feature of each customer's reasons
        feats = c["main_feature"].replace("", "no clear reason").value_counts(normalize=True)
        why = "; ".join(f"{share:.0%} {safe.text(k)}" for k, share in feats.head(4).items())
    actions = c["action"].value_counts()
    act = ", ".join(f"{n:,} {k}" for k, n in actions.items() if k in ACTION_WORDS) or "none"
    top = ", ".join(safe.text(f) for f in a.importance.index[:3])
    capped = a.cutoff["worth_contacting"] > a.cutoff["contacted"]
    cap = (f" (capacity {a.config.max_contacts:,}; {a.cutoff['worth_contacting']:,} would be worth a call)"
           if capped else "")
    lines = [
        safe.md("**Call {n:,} customers {period}** ({share:.0%} of the {total:,} scored){cap}: expected profit "
                "**{profit:,.0f}** after campaign costs, protecting {risk:,.0f} of value at risk "
                "(value = {basis}).", n=len(c), period=period, share=a.cutoff["share_contacted"],
                total=len(a.scores), profit=a.cutoff["expected_profit"], risk=float(c["value_at_risk"].sum()),
                basis=a.value_basis, cap=cap).data,
        f"**Why they are leaving** (main reason per contacted customer): {why or 'nobody to contact'}. "
        f"Strongest drivers overall: {top}.",
        f"**Actions**: {act}.",
        model_sentence(a).data,
        scores_sentence(a).data,
    ]
    from IPython.display import Markdown

    return Markdown("\n\n".join(lines))  # every part was made safe above


def scores_sentence(a: Result):
    """Which scores the headline numbers rest on: every score is out of sample (a flat table's training customers
    cross-fitted), or the company world's list scored on this week's data by a model trained at the snapshot."""
    if a.is_company_world:
        return safe.md("**Scores**: every customer is scored on data up to {score} by models trained on the snapshot "
                       "{snap} (labels from the {days} days after it); the test figures below use customers the "
                       "models never saw.", score=a.extra["score_date"], snap=a.extra["snapshot_date"],
                       days=a.extra["label_days"])
    n_train = len(a.split.fit) + len(a.split.valid)
    return safe.md("**Scores**: the expected profit counts every customer once, each scored by a model that did not "
                   "see them: the {test:,} held-out customers by the compared LightGBM, the {train:,} it trained on "
                   "by {k}-fold cross-fitting (same settings, {trees:,} trees); `in_training` in churn_scores marks "
                   "the latter.", test=len(a.split.test), train=n_train, k=a.cross_fitted,
                   trees=a.fitted.best_iteration)


def model_sentence(a: Result):
    """Does LightGBM beat logistic regression? The paired difference in ROC-AUC with its 95% interval."""
    d = a.lgbm_vs_logreg
    if d["low"] > 0:
        verdict = "LightGBM beats logistic regression"
    elif d["high"] < 0:
        verdict = "Logistic regression beats LightGBM"
    else:
        verdict = "LightGBM and logistic regression are statistically tied"
    c = a.comparison
    return safe.md("**Model**: {verdict}: ROC-AUC {lg:.3f} vs {lr:.3f}, difference {diff:+.3f} (95% paired "
                   "bootstrap interval {low:+.3f} to {high:+.3f}, {n:,} test customers). Best by ROC-AUC: {best}. "
                   "The contact list uses LightGBM (calibration: {cal}), whose reasons are exact.",
                   verdict=verdict, lg=float(c.loc["lgbm", "roc_auc"]), lr=float(c.loc["logreg", "roc_auc"]),
                   diff=d["diff"], low=d["low"], high=d["high"], n=len(a.split.test),
                   best=MODEL_LABELS.get(a.best_model, a.best_model), cal=a.calibrator.method)


def comparison_table(a: Result) -> pd.DataFrame:
    """The model table: each metric with its 95% bootstrap interval, rounded for reading."""
    c = a.comparison
    out = pd.DataFrame(index=[MODEL_LABELS.get(m, m) for m in c.index])
    for m, name, fmt in (("roc_auc", "ROC-AUC", "{:.3f}"), ("pr_auc", "PR-AUC", "{:.3f}"),
                         ("brier", "Brier", "{:.3f}"), ("top_decile_lift", "top-decile lift", "{:.2f}")):
        out[name] = [f"{fmt.format(r[m])} ({fmt.format(r[m + '_low'])}–{fmt.format(r[m + '_high'])})"
                     for _, r in c.iterrows()]
    return out


def contact_table(a: Result, top: int = 20) -> pd.DataFrame:
    """The first ``top`` rows of the contact list, for display (probabilities in %, money rounded)."""
    cols = ["customer_id", "churn_probability", "tier", "customer_value", "value_at_risk", "action", "reasons"]
    cols += [c for c in ("segment",) if c in a.scores.columns]
    t = a.contacts[cols].head(top).set_index("customer_id")
    t["churn_probability"] = (t["churn_probability"] * 100).round(0).astype(int).astype(str) + "%"
    for col in ("customer_value", "value_at_risk"):
        t[col] = t[col].round(0).astype(int)
    return t.rename(columns={"churn_probability": "risk", "customer_value": "value", "value_at_risk": "value at risk"})


def action_summary(a: Result) -> pd.DataFrame:
    """Customers, value at risk and expected gain per action of the contact list."""
    c = a.contacts
    g = c.groupby("action").agg(customers=("customer_id", "size"), value_at_risk=("value_at_risk", "sum"),
                                expected_gain=("expected_gain", "sum"), mean_risk=("churn_probability", "mean"))
    g[["value_at_risk", "expected_gain"]] = g[["value_at_risk", "expected_gain"]].round(0).astype("int64")
    return g.sort_values("customers", ascending=False).round({"mean_risk": 3})


def population_sentence(a: Result):
    """Who the models learn from: population, churn rate and the split."""
    n, rate = len(a.y), float(a.y.mean())
    split = safe.md("{n:,} customers, {rate:.1%} churned; models fitted on {fit:,} (early stopping and calibration "
                    "on {valid:,} more) and compared on {test:,} held-out customers.", n=n, rate=rate,
                    fit=len(a.split.fit), valid=len(a.split.valid), test=len(a.split.test)).data
    if a.is_company_world:
        when = safe.md("Snapshot {snap}: features from events before it; churned = no purchase from {snap} for "
                       "{days} days. This week's list is scored on data up to {score}.",
                       snap=a.extra["snapshot_date"], days=a.extra["label_days"], score=a.extra["score_date"]).data
    else:
        when = safe.md("Input {source}: one row per customer; every row is scored out of sample (rows used in "
                       "training are cross-fitted and flagged in_training in churn_scores).", source=a.source).data
    from IPython.display import Markdown

    return Markdown(when + " " + split)


def calibration_sentence(a: Result):
    """Which calibration was chosen and what it did to the Brier score on the test customers."""
    from experiments.churn.metrics import brier

    yt = a.y.iloc[a.split.test].to_numpy()
    raw, cal = brier(yt, a.fitted.test_proba["lgbm"]), brier(yt, a.test_calibrated)
    cv = ", ".join(f"{k} {v:.4f}" for k, v in a.calibration_scores.items())
    if a.calibrator.method == "none":
        return safe.md("Raw LightGBM probabilities are kept: no calibration beat them by 0.001 or more on the "
                       "validation fold (cross-validated Brier: {cv}). Test Brier {raw:.4f}.", cv=cv, raw=raw)
    return safe.md("Chosen: **{m}** calibration (cross-validated Brier on the validation fold: {cv}). On the test "
                   "customers the Brier score goes from {raw:.4f} to {cal:.4f}.", m=a.calibrator.method, cv=cv,
                   raw=raw, cal=cal)


def reasons_table(a: Result, top: int = 20) -> pd.DataFrame:
    """The highest-risk customers with their risk and reasons in words."""
    t = a.scores.sort_values("churn_probability", ascending=False, kind="stable").head(top)
    return pd.DataFrame({"risk": ((t["churn_probability"] * 100).round(0).astype(int).astype(str) + "%").to_numpy(),
                         "why": t["reasons"].to_numpy()}, index=pd.Index(t["customer_id"], name="customer_id"))


def test_profit_sentence(a: Result):
    """The profit rule checked on held-out customers: expected versus what happened."""
    m = a.metrics()
    return safe.md("Check on the {n:,} test customers (at the snapshot, with known outcomes): the same rule would "
                   "have contacted {k:,} of them for an expected profit of {exp:,.0f}; with the actual churn "
                   "outcomes it comes to {real:,.0f} (assuming the stated success rate).",
                   n=len(a.split.test), k=a.test_check["contacted"], exp=m["test_expected_profit"],
                   real=m["test_realised_profit"])


def notes(a: Result):
    """What was done to the input (optional tables found or missing, blank values kept), one bullet each."""
    from IPython.display import Markdown

    return Markdown("\n".join(safe.md("- {note}", note=n).data for n in a.notes) or "No notes.")


def published(a: Result):
    """Where ``publish`` wrote the tables."""
    return safe.md("Written: {files}", files=", ".join(a.published) or "nothing")


def verdict(a: Result):
    """The closing recommendation in plain words."""
    c = a.contacts
    top_action = c["action"].value_counts().index[0] if len(c) else "none"
    lift = float(a.comparison.loc["lgbm", "top_decile_lift"])
    return safe.md("Contact **{n:,}** customers (expected profit {p:,.0f} at a cost of {cost:,.0f} per contact and "
                   "a {s:.0%} success rate); most need **{act}**. The riskiest tenth churns {lift:.1f}x as often as "
                   "average. Re-run weekly; revisit `campaign_success_rate` once the first campaign's results are in.",
                   n=len(c), p=a.cutoff["expected_profit"], cost=a.config.campaign_cost,
                   s=a.config.campaign_success_rate, act=top_action, lift=lift)


def truth_sentence(truth: dict | None):
    """The run against the planted truth (``evaluation.compare_with_planted``), or why there is none."""
    if truth is None:
        return safe.md("No planted truth here (a flat table or data that was not generated): nothing to compare.")
    return safe.md("On the {share:.0%} of test customers mapped to a planted person, ranking them by their true "
                   "churn probability (the oracle) gives ROC-AUC {oracle:.3f}; LightGBM reaches {lgbm:.3f}, "
                   "{part:.0%} of the oracle's distance above chance. Planted churn rate {rate:.1%}.",
                   share=truth["known_share"], oracle=truth["oracle_roc_auc"], lgbm=truth["lgbm_roc_auc"],
                   part=truth["lgbm_share_of_oracle"], rate=truth["planted_churn_rate"])
