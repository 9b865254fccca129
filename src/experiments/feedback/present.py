"""Text and display tables of the feedback report (data-derived text through ``lab.report.safe``)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from experiments.feedback.result import Result
from experiments.lab.report import safe


def first_screen(result: Result):
    """Return the first-screen Markdown of ``result`` (see ``headline``)."""
    tab = result.table
    return headline(result.trend, result.queue, result.as_of, result.period_days,
                    int((tab["sentiment"] == "negative").sum()), len(tab))


def data_summary(result: Result):
    """Return one Markdown sentence: texts, source, languages, empty texts set aside, where the labels come from."""
    tab, data = result.table, result.data
    from IPython.display import Markdown

    parts = [safe.md("{n:,} texts from {src} ({zh:,} Chinese, {en:,} English, {mixed:,} mixed); {q:,} empty texts "
                     "set aside.", n=len(tab), src=data.source, zh=int((tab["language"] == "zh").sum()),
                     en=int((tab["language"] == "en").sum()), mixed=int((tab["language"] == "mixed").sum()),
                     q=len(data.quarantine)).data]
    fut = data.future
    if fut is not None and len(fut):
        examples = ", ".join(f"{i} at {t:%Y-%m-%d %H:%M}" for i, t in zip(fut["feedback_id"].head(3),
                                                                        fut["time"].head(3), strict=True))
        parts.append(safe.md("**{f:,} texts dated in the future** (after {cut}, e.g. {ex}) set aside "
                             "(`n_future_times`): they are in none of the figures.", f=len(fut),
                             cut=data.future_after, ex=examples).data)
    parts.append(safe.md("Sentiment labels: {labels}.", labels=data.label_source or "none (the lexicon decides)").data)
    return Markdown(" ".join(parts))


def evaluation_table(result: Result) -> pd.DataFrame:
    """Return accuracy, macro-F1 and n per method and language on the held-out labelled texts (empty without
    labels), indexed by method and language."""
    s = result.scored
    parts = [ev.assign(method=name) for name, ev in (("supervised", s.model_eval), ("lexicon", s.lexicon_eval))
             if ev is not None]
    if not parts:
        return pd.DataFrame(columns=["method", "language", "accuracy", "macro_f1", "n"]).set_index(
            ["method", "language"])
    out = pd.concat(parts).rename_axis("language").reset_index()
    return out[["method", "language", "accuracy", "macro_f1", "n"]].round(3).set_index(["method", "language"])


def sentiment_details(result: Result) -> list[Any]:
    """Return the confusion matrices of both methods (each after a caption) and the scoring notes, to display."""
    s = result.scored
    out: list[Any] = []
    for name, cm in (("supervised", s.model_confusion), ("lexicon", s.lexicon_confusion)):
        if cm is not None:
            out += [safe.md("Confusion matrix, {name} (rows: true label, columns: predicted):", name=name),
                    safe.frame(cm)]
    return out + [safe.md("Note: {note}", note=note) for note in s.notes]


def agreement_text(agreement: dict, what: str = "known categories") -> str:
    """One sentence on how the topics agree with known categories (empty with fewer than 2 categorised texts)."""
    a = agreement
    if not a or a.get("n", 0) < 2:
        return ""
    return (f"Against the {a['n']:,} {what}: NMI {a['nmi']:.2f}, adjusted Rand {a['ari']:.2f} "
            "(1 = the same grouping, 0 = unrelated).")


def topics_summary(result: Result, topic_filter: str = ""):
    """Return the topics sentence: how many, outliers, which texts were fitted, agreement with known categories."""
    tr = result.topic_result
    fitted = int(result.table["in_topics"].sum())
    scope = ("" if fitted == len(result.table) else
             f"Fitted on the {fitted:,} of {len(result.table):,} texts that topic_filter ({topic_filter}) keeps. ")
    return safe.md("{k} topics; {out:.1%} of texts left as outliers (before outlier reduction {before:.1%}). {scope}"
                   "{agree}", k=tr.n_topics, out=tr.outlier_share, before=tr.outlier_share_before, scope=scope,
                   agree=agreement_text(result.agreement))


def topic_table(result: Result, top: int = 15) -> pd.DataFrame:
    """Return the topics for display: id as index, name (label), top words, texts, share (%) and two example
    texts."""
    t = result.topic_result.info.head(top)
    return safe.frame(pd.DataFrame({"topic": t["label"].to_numpy(), "top words": t["words"].to_numpy(),
                                    "texts": t["size"].to_numpy(), "share (%)": (t["share"].to_numpy() * 100).round(1),
                                    "examples": t["examples"].to_numpy()}, index=pd.Index(t["topic"], name="id")))


def topic_names_note(result: Result):
    """Return one Markdown sentence on how the topics were named: confident names, weak matches (each with the words
    that matched) and topics no name fits (then named by their top words)."""
    from experiments.feedback import labels

    info = result.topic_result.info
    if "name_match" not in info:
        return safe.md("Topics are named by their top words (no topic_names given).")
    weak = labels.weak_names(info)
    n_strong = int(info["name_match"].eq("strong").sum())
    n_none = int(info["name_match"].eq("none").sum())
    text = safe.md("{s} of {n} topics named from topic_names; {w} weak matches (shown as \"name?\"); {x} named by "
                   "their top words.", s=n_strong, n=len(info), w=len(weak), x=n_none).data
    for row in weak.itertuples(index=False):
        text += " " + safe.md("Topic {t} is only weakly {name} ({score:.0%} of its top-word weight: {hit}; top words "
                              "{words}): add its words to that name, or a new name, in topic_names.", t=row.topic,
                              name=row.name, score=row.name_score, hit=row.name_words, words=row.words).data
    from IPython.display import Markdown

    return Markdown(text)


def topic_channel(result: Result, top: int = 15) -> pd.DataFrame:
    """Return texts per topic and channel (the ``top`` largest topics)."""
    return safe.frame(result.topic_channel.head(top))


def queue_preview(result: Result, top: int = 15) -> pd.DataFrame:
    """Return the ``top`` most urgent care-queue rows for display (texts are already masked)."""
    cols = ["customer_id", "grade", "reason", "action", "due_at", "n_negative", "channels", "texts"]
    q = result.queue[cols].head(top).copy()
    q["due_at"] = pd.to_datetime(q["due_at"], utc=True).dt.strftime("%Y-%m-%d %H:%M UTC")
    return safe.frame(q.set_index("customer_id"))


def verdict(result: Result):
    """Return the closing Markdown: what to do, with the numbers."""
    m = result.metrics()
    top = result.trend.index[0] if len(result.trend) and result.trend["now"].sum() else "–"
    acc = m.get("sentiment_accuracy")
    lex = m.get("lexicon_accuracy")
    quality = ("" if acc is None else
               f" The supervised model is right on {acc:.0%} of held-out texts (lexicon baseline {lex:.0%}).")
    return safe.md("Call the {sev:,} severe customers first (senior agent with compensation, due within "
                   "hours), then the {mod:,} moderate ones (agent call-back); {mild:,} mild cases get the "
                   "automatic apology. The topic to fix at its root is {top}." + quality,
                   sev=m["care_severe"], mod=m["care_moderate"], mild=m["care_mild"], top=top)


def published(result: Result):
    """Return the sentence naming the two published files."""
    from experiments.data import processed

    folder = processed.results_label(result.company_world)
    return safe.md("Written: {files}.", files=f"{folder}/care_queue.parquet, {folder}/feedback_scored.parquet")


def trend_table(trend: pd.DataFrame, top: int = 5) -> pd.DataFrame:
    """Return the first-screen table: the ``top`` complaint topics with this period's and the previous period's
    negative texts, the change, the share of this period's negatives (%) and the latest example (masked,
    shortened)."""
    t = trend.head(top)
    return safe.frame(pd.DataFrame({
        "complaint topic": t.index, "negatives this period": t["now"].to_numpy(),
        "period before": t["before"].to_numpy(), "change": t["change"].to_numpy(),
        "share of this period (%)": (t["share_now"].to_numpy() * 100).round(0).astype(int),
        "latest example": t["example"].to_numpy() if "example" in t else ""}), max_chars=70)


def headline(trend: pd.DataFrame, queue: pd.DataFrame, as_of: pd.Timestamp, period_days: int,
             n_negative: int, n_texts: int):
    """Return the first-screen Markdown: top complaint topic and its move, negatives share, calls needed today."""
    lines = []
    if len(trend) and trend["now"].sum() > 0:
        top = trend.index[0]
        row = trend.iloc[0]
        move = ("up from" if row["change"] > 0 else "down from" if row["change"] < 0 else "the same as")
        example = str(row.get("example", "") or "")
        lines.append(safe.md("- **Most complaints this period are about {topic}**: {now:,} negative texts in the last "
                             "{days} days ({share:.0%} of the period's negatives), {move} {before:,} in the "
                             "{days} days before." + (" Latest: “{example}”" if example else ""),
                             topic=top, now=int(row["now"]), days=int(period_days), share=float(row["share_now"]),
                             move=move, before=int(row["before"]),
                             example=safe.shorten(safe.mask_pii(example), 90)).data)
    lines.append(safe.md("- {neg:,} of {n:,} texts ({share:.0%}) are negative.", neg=int(n_negative), n=int(n_texts),
                         share=n_negative / max(n_texts, 1)).data)
    calls = queue[queue["grade"].isin(["moderate", "severe"])] if len(queue) else queue
    severe = int((queue["grade"] == "severe").sum()) if len(queue) else 0
    overdue = int((pd.to_datetime(calls["due_at"], utc=True) < pd.Timestamp(as_of)).sum()) if len(calls) else 0
    mild = int((queue["grade"] == "mild").sum()) if len(queue) else 0
    lines.append(safe.md("- **{calls:,} customers need a call today** ({severe:,} severe: senior agent with "
                         "compensation; {overdue:,} already past their due time); {mild:,} more get an automatic "
                         "apology.", calls=len(calls), severe=severe, overdue=overdue, mild=mild).data)
    from IPython.display import Markdown

    return Markdown("\n".join(lines))
