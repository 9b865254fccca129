"""Putting the pieces together for the notebook: care rules from parameters, the assembled result, its metrics and
the published tables ``care_queue`` and ``feedback_scored``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from experiments.feedback import care, summary
from experiments.feedback import topics as topics_mod
from experiments.feedback.company import Feedback, Scored, scored_table
from experiments.lab.report import safe


def care_rules(keywords: dict, repeat_contacts: int, repeat_days: float, window_days: float, min_grade: str,
               actions: dict, due_hours: dict) -> care.CareRules:
    """Return ``CareRules`` from the notebook's ``care_*`` parameters (empty dicts mean the defaults)."""
    base = care.CareRules()
    cues = {g: list(v) for g, v in keywords.items()} if keywords else base.cues
    return care.CareRules(cues=cues, repeat_contacts=int(repeat_contacts), repeat_days=float(repeat_days),
                          window_days=float(window_days), min_grade=str(min_grade),
                          actions={**base.actions, **(actions or {})},
                          due_hours={**base.due_hours, **{k: float(v) for k, v in (due_hours or {}).items()}})


@dataclass
class Result:
    """Everything the report shows and writes."""

    scored: pd.DataFrame
    queue: pd.DataFrame
    trend: pd.DataFrame
    topic_sentiment: pd.DataFrame
    topic_channel: pd.DataFrame
    agreement: dict
    as_of: pd.Timestamp
    period_days: int
    metrics: dict[str, Any] = field(default_factory=dict)
    source: str = ""
    company_world: bool = True

    @property
    def headline(self):
        """First-screen Markdown (see ``summary.headline``)."""
        return summary.headline(self.trend, self.queue, self.as_of, self.period_days,
                                int((self.scored["sentiment"] == "negative").sum()), len(self.scored))

    @property
    def agreement_text(self) -> str:
        """One sentence on how the topics agree with the known categories (empty without them)."""
        a = self.agreement
        if not a or a.get("n", 0) < 2:
            return ""
        return (f"Against the {a['n']:,} known categories: NMI {a['nmi']:.2f}, adjusted Rand {a['ari']:.2f} "
                "(1 = the same grouping, 0 = unrelated).")

    @property
    def queue_preview(self) -> pd.DataFrame:
        """The 15 most urgent queue rows for display (texts are already masked)."""
        cols = ["customer_id", "grade", "reason", "action", "due_at", "n_negative", "channels", "texts"]
        q = self.queue[cols].head(15).copy()
        q["due_at"] = pd.to_datetime(q["due_at"], utc=True).dt.strftime("%Y-%m-%d %H:%M UTC")
        return q.set_index("customer_id")

    @property
    def verdict(self):
        """Closing Markdown: what to do, with the numbers."""
        m = self.metrics
        top = self.trend.index[0] if len(self.trend) and self.trend["now"].sum() else "–"
        acc = m.get("sentiment_accuracy")
        lex = m.get("lexicon_accuracy")
        quality = ("" if acc is None else
                   f" The supervised model is right on {acc:.0%} of held-out texts (lexicon baseline {lex:.0%}).")
        return safe.md("Call the {sev:,} severe customers first (senior agent with compensation, due within "
                       "hours), then the {mod:,} moderate ones (agent call-back); {mild:,} mild cases get the "
                       "automatic apology. The topic to fix at its root is {top}." + quality,
                       sev=m["care_severe"], mod=m["care_moderate"], mild=m["care_mild"], top=top)


def resolve_as_of(as_of: str, times: pd.Series) -> pd.Timestamp:
    """Return ``as_of`` as a UTC timestamp (a date means the end of that day); empty means the latest time, or now
    when there are no times."""
    if str(as_of or "").strip():
        ts = pd.Timestamp(str(as_of))
        if len(str(as_of).strip()) <= 10:
            ts = ts + pd.Timedelta(days=1) - pd.Timedelta(seconds=1)
        return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    t = pd.to_datetime(times, utc=True)
    return t.max() if t.notna().any() else pd.Timestamp.now(tz="UTC")


def assemble(fb: Feedback, scored: Scored, tr: topics_mod.TopicResult, rules: care.CareRules, as_of: str = "",
             period_days: int = 30) -> Result:
    """Return the ``Result``: texts with topics and grades, care queue, trend, cross-tabs and metrics."""
    tab = scored.table.copy()
    tab["topic"] = tr.topics
    tab["topic_label"] = tr.labels().to_numpy()
    grades = care.grade_texts(tab["text"], tab["sentiment"].eq("negative"), rules)
    tab["grade"], tab["cue"] = grades["grade"].to_numpy(), grades["cue"].to_numpy()
    when = resolve_as_of(as_of, tab["created_at"])
    times = tab["created_at"] if tab["created_at"].notna().any() else pd.Series(when, index=tab.index)
    queue = care.care_queue(tab.assign(created_at=times), rules, when, fb.source)
    agreement = topics_mod.agreement(fb.frame["reference_topic"], tr.topics)
    res = Result(scored=tab, queue=queue, trend=summary.complaint_trend(tab, when, period_days),
                 topic_sentiment=topics_mod.crosstab(tab["topic_label"], tab["sentiment"], normalize="index"),
                 topic_channel=topics_mod.crosstab(tab["topic_label"], tab["channel"]), agreement=agreement,
                 as_of=when, period_days=int(period_days), source=fb.source,
                 company_world=fb.table.is_company_world)
    res.metrics = metrics(res, scored, tr, len(fb.quarantine))
    return res


def metrics(res: Result, scored: Scored, tr: topics_mod.TopicResult, n_quarantined: int) -> dict[str, Any]:
    """Return the flat metrics.json dict (keys documented in conf/runs.yaml)."""
    m: dict[str, Any] = dict(scored.metrics)
    m.update({
        "n_texts": len(res.scored), "n_quarantined": int(n_quarantined),
        "n_negative": int((res.scored["sentiment"] == "negative").sum()),
        "negative_share": float((res.scored["sentiment"] == "negative").mean()) if len(res.scored) else None,
        "n_topics": tr.n_topics, "outlier_share": tr.outlier_share, "outlier_share_before": tr.outlier_share_before,
        "topic_nmi": None if res.agreement.get("n", 0) < 2 else res.agreement["nmi"],
        "topic_ari": None if res.agreement.get("n", 0) < 2 else res.agreement["ari"],
        **care.counts(res.queue),
        "care_calls": int(res.queue["grade"].isin(["moderate", "severe"]).sum()) if len(res.queue) else 0,
        "top_complaint_topic": str(res.trend.index[0]) if len(res.trend) and res.trend["now"].sum() else None,
    })
    for lang in ("zh", "en", "mixed"):
        m[f"n_texts_{lang}"] = int((res.scored["language"] == lang).sum())
    return m


def topic_table(info: pd.DataFrame, top: int = 15) -> pd.DataFrame:
    """Return the topics for display: id as index, top words, texts, share (%) and two example texts."""
    t = info.head(top)
    return pd.DataFrame({"top words": t["label"].to_numpy(), "texts": t["size"].to_numpy(),
                         "share (%)": (t["share"].to_numpy() * 100).round(1),
                         "examples": t["examples"].to_numpy()}, index=pd.Index(t["topic"], name="topic"))


def evaluation_table(scored: Scored) -> pd.DataFrame:
    """Return accuracy, macro-F1 and n per method and language (empty frame without labels)."""
    parts = [ev.assign(method=name) for name, ev in (("supervised", scored.model_eval),
                                                      ("lexicon", scored.lexicon_eval)) if ev is not None]
    if not parts:
        return pd.DataFrame(columns=["method", "language", "accuracy", "macro_f1", "n"])
    out = pd.concat(parts).rename_axis("language").reset_index()
    return out[["method", "language", "accuracy", "macro_f1", "n"]].round(3)


def publish(res: Result) -> list[str]:
    """Publish ``care_queue`` and ``feedback_scored`` (atomic, under the lock) where every analysis publishes:
    data/processed for the company world, data/interim/flat/processed for a flat table; return the files."""
    from experiments.data import processed

    scored = scored_table(res.scored, res.scored["topic_label"], res.scored["topic"].to_numpy(),
                          res.scored[["grade", "cue"]], res.source)
    queue = res.queue.copy()
    queue["customer_id"] = queue["customer_id"].astype("string")
    processed.publish_results({"care_queue": queue, "feedback_scored": scored}, company_world=res.company_world)
    folder = processed.results_label(res.company_world)
    return [f"{folder}/care_queue.parquet", f"{folder}/feedback_scored.parquet"]
