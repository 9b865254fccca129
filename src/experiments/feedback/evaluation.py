"""05 against the company world's planted truth (``data/raw/_truth/feedback.csv``): the only module that reads it.

Called from the notebook's section "Against the planted truth" and from tests, never by ``run``. The generator
plants each text's topic, sentiment and (negatives) severity. ``evaluate`` scores

- the topics against the planted topics (``topic_nmi``, ``topic_ari``: the same keys a flat table's
  ``reference_topic_col`` fills), on the texts the topics were fitted on;
- the sentiment the notebook uses (the supervised model trained on customer ratings) and the lexicon baseline
  against the planted sentiment on every text the model was not trained on (``planted_sentiment_*``,
  ``planted_lexicon_*``);
- the care grades of negative texts against the planted severity (``planted_severity_agreement``);
- the same sentiment scores on the texts with each planted device (``FLAGS``: negation, mixed opinions, sarcasm and
  rhetorical questions; ``planted_sentiment_accuracy_<flag>``, ``planted_lexicon_accuracy_<flag>``,
  ``n_planted_<flag>``), so a report shows where the model goes wrong;
- whether each planted complaint topic is found and named: ``planted_topics_named_share`` is the share of the
  planted complaint topics (``PLANTED_NAMES``) for which a found topic, whose texts are mostly of that planted
  topic, carries the topic_names name of it in its label.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from experiments.data import paths
from experiments.feedback import supervised, topics
from experiments.feedback.result import Result
from experiments.lab.report import safe

TRUTH_FILE = "feedback.csv"
#: Planted devices scored apart (0/1 columns of the truth; worlds before generator 1.4.0 have none).
FLAGS = ("negation", "mixed", "sarcasm")
#: Planted complaint topic -> the conf/topic_names.yaml name a manager should read for it.
PLANTED_NAMES = {"delivery_delay": "delivery", "refund": "refund", "price": "price", "app_bug": "app and coupons",
                 "product_quality": "product quality", "service_attitude": "customer service"}


def planted_truth() -> pd.DataFrame | None:
    """Return ``_truth/feedback.csv`` indexed by feedback_id (topic, sentiment, severity), or None without it."""
    path = paths.truth_dir() / TRUTH_FILE
    if not path.exists():
        return None
    return pd.read_csv(path, dtype=str, keep_default_na=False).set_index("feedback_id")


@dataclass
class TruthCheck:
    """What ``evaluate`` found: metrics for metrics.json, per-language sentiment scores and the topic agreement."""

    metrics: dict[str, Any] = field(default_factory=dict)
    sentiment: pd.DataFrame | None = None
    agreement: dict = field(default_factory=dict)
    n_scored: int = 0
    devices: pd.DataFrame | None = None  # accuracy on the texts with each planted device (FLAGS)
    named: pd.DataFrame | None = None  # topics_named

    @property
    def available(self) -> bool:
        """True when the planted truth was found (company world generated here)."""
        return bool(self.metrics)


def evaluate(result: Result, truth: pd.DataFrame | None = None) -> TruthCheck:
    """Return the ``TruthCheck`` of ``result`` against the planted truth (empty off the company world or without
    ``_truth``; ``truth`` defaults to ``planted_truth()``)."""
    if not result.company_world:
        return TruthCheck()
    truth = planted_truth() if truth is None else truth
    if truth is None:
        return TruthCheck()
    tab = result.table
    planted = tab["feedback_id"].map(truth["sentiment"])
    fitted = tab["in_topics"].to_numpy()
    agreement = topics.agreement(tab.loc[fitted, "feedback_id"].map(truth["topic"]), result.topic_result.topics)
    unseen = (tab["split"] != "train") & planted.isin(["negative", "neutral", "positive"])
    model = supervised.evaluate(planted[unseen], tab.loc[unseen, "sentiment"], tab.loc[unseen, "language"])
    lexicon = supervised.evaluate(planted[unseen], tab.loc[unseen, "lexicon_sentiment"], tab.loc[unseen, "language"])
    both_negative = (planted == "negative") & (tab["sentiment"] == "negative")
    severity = tab["feedback_id"].map(truth["severity"])
    m: dict[str, Any] = {
        "topic_nmi": None if agreement.get("n", 0) < 2 else agreement["nmi"],
        "topic_ari": None if agreement.get("n", 0) < 2 else agreement["ari"],
        "planted_sentiment_accuracy": float(model.loc["all", "accuracy"]),
        "planted_sentiment_macro_f1": float(model.loc["all", "macro_f1"]),
        "planted_lexicon_accuracy": float(lexicon.loc["all", "accuracy"]),
        "planted_lexicon_macro_f1": float(lexicon.loc["all", "macro_f1"]),
        "planted_severity_agreement": (float((tab.loc[both_negative, "grade"] == severity[both_negative]).mean())
                                       if both_negative.any() else None),
    }
    rows = []
    for flag in (f for f in FLAGS if f in truth):
        on = unseen & tab["feedback_id"].map(truth[flag]).astype(str).eq("1")
        acc = {name: float((tab.loc[on, col] == planted[on]).mean()) if on.any() else None
               for name, col in (("sentiment", "sentiment"), ("lexicon", "lexicon_sentiment"))}
        m[f"planted_sentiment_accuracy_{flag}"] = acc["sentiment"]
        m[f"planted_lexicon_accuracy_{flag}"] = acc["lexicon"]
        m[f"n_planted_{flag}"] = int(on.sum())
        rows.append({"device": flag, "texts": int(on.sum()), "supervised accuracy": acc["sentiment"],
                     "lexicon accuracy": acc["lexicon"]})
    named = topics_named(tab.loc[fitted, "feedback_id"].map(truth["topic"]), tab.loc[fitted, "topic_label"])
    if named is not None:
        m["planted_topics_named_share"] = float(named["named"].mean())
    table = pd.concat([model.assign(method="supervised (trained on ratings)"), lexicon.assign(method="lexicon")])
    table = table.rename_axis("language").reset_index().set_index(["method", "language"]).round(3)
    return TruthCheck(metrics=m, sentiment=table, agreement=agreement, n_scored=int(unseen.sum()),
                      devices=pd.DataFrame(rows).set_index("device").round(3) if rows else None, named=named)


def topics_named(planted: pd.Series, labels: pd.Series) -> pd.DataFrame | None:
    """Return one row per planted complaint topic (``PLANTED_NAMES``): the found topics whose texts are mostly of it
    (their labels), and ``named``: whether one of those labels holds the name (None without complaint topics)."""
    p = pd.Series(planted).astype(str).reset_index(drop=True)
    lab = pd.Series(labels).astype(str).reset_index(drop=True)
    if not p.isin(list(PLANTED_NAMES)).any():
        return None
    majority = pd.crosstab(lab, p).idxmax(axis=1)
    rows = []
    for topic, name in PLANTED_NAMES.items():
        found = majority.index[majority.eq(topic)].tolist()
        rows.append({"planted topic": topic, "name": name, "found topics": " | ".join(found),
                     "named": any(f == name or f.startswith(name + " ·") for f in found)})
    return pd.DataFrame(rows).set_index("planted topic")


def section(check: TruthCheck) -> list[Any]:
    """Return what the notebook's "Against the planted truth" section displays (a note when there is no truth)."""
    from experiments.feedback.present import agreement_text

    if not check.available:
        return [safe.md("No planted truth here (a flat table, or a company world without data/raw/_truth).")]
    m = check.metrics
    return [safe.md("Sentiment on the {n:,} texts the model was not trained on: supervised {acc:.1%} accuracy "
                    "(macro-F1 {f1:.3f}), lexicon {lex:.1%}. Care grades of texts negative in both: {sev} agree with "
                    "the planted severity. Topics: {agree}", n=check.n_scored, acc=m["planted_sentiment_accuracy"],
                    f1=m["planted_sentiment_macro_f1"], lex=m["planted_lexicon_accuracy"],
                    sev="–" if m["planted_severity_agreement"] is None else f"{m['planted_severity_agreement']:.1%}",
                    agree=agreement_text(check.agreement, "planted topics") or "–"),
            safe.frame(check.sentiment)] + _devices(check)


def _devices(check: TruthCheck) -> list[Any]:
    """The per-device accuracy table and the planted-topic naming table (empty on worlds without them)."""
    out: list[Any] = []
    if check.devices is not None:
        out += [safe.md("Sentiment on texts with a planted device (texts the model was not trained on): negation "
                        "(\"不算慢\", \"not fresh at all\"), mixed opinions (praise, then \"but\" and the "
                        "complaint), sarcasm and rhetorical questions:"), safe.frame(check.devices)]
    if check.named is not None:
        out += [safe.md("Planted complaint topics and the found topics that hold mostly their texts ({k} of {n} "
                        "named as a manager would read them):", k=int(check.named["named"].sum()),
                        n=len(check.named)), safe.frame(check.named)]
    return out
