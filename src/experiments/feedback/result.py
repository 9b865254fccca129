"""``Result``: what one feedback analysis found (``tables``, ``metrics()``) and what it publishes (``publish()``:
``feedback_scored`` and ``care_queue``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.data import inputs
from experiments.feedback import care
from experiments.feedback.sentiment import Scored
from experiments.feedback.sources import Data
from experiments.feedback.topics import TopicResult

#: Columns of the published ``feedback_scored`` table (one row per text, no text).
SCORED_COLUMNS = ("feedback_id", "customer_id", "source", "channel", "created_at", "language", "sentiment",
                  "sentiment_score", "lexicon_sentiment", "lexicon_score", "intensity", "intensity_grade", "topic",
                  "topic_label", "grade", "cue")


@dataclass
class Result:
    """Everything the report shows and writes.

    ``table``: one row per text (scored table plus topic, topic_label, in_topics, grade, cue); ``queue``: the care
    queue; ``trend``: negative texts per topic this period and the period before; ``agreement``: NMI / ARI of the
    topics against ``reference_topic_col`` (empty without it; the company world's planted topics are
    ``evaluation``'s).
    """

    data: Data
    scored: Scored
    topic_result: TopicResult
    table: pd.DataFrame
    queue: pd.DataFrame
    trend: pd.DataFrame
    topic_sentiment: pd.DataFrame
    topic_channel: pd.DataFrame
    agreement: dict
    as_of: pd.Timestamp
    period_days: int

    @property
    def input(self) -> inputs.InputTable:
        """The input table read (for ``run.add_input``)."""
        return self.data.table

    @property
    def company_world(self) -> bool:
        """True when the analysis ran on the company world (publishes into data/processed)."""
        return self.data.table.is_company_world

    @property
    def source(self) -> str:
        """Short name of the data source (file name or ``company world``)."""
        return self.data.source

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The named tables the report shows."""
        return {"texts": self.table, "care_queue": self.queue, "complaint_trend": self.trend,
                "topics": self.topic_result.info, "topic_sentiment": self.topic_sentiment,
                "topic_channel": self.topic_channel}

    def metrics(self) -> dict[str, Any]:
        """Return the flat metrics.json dict (keys documented in conf/runs.yaml)."""
        tab, tr, a = self.table, self.topic_result, self.agreement
        m: dict[str, Any] = dict(self.scored.metrics)
        m.update({
            "n_texts": len(tab), "n_quarantined": len(self.data.quarantine),
            "n_negative": int((tab["sentiment"] == "negative").sum()),
            "negative_share": float((tab["sentiment"] == "negative").mean()) if len(tab) else None,
            "n_topics": tr.n_topics, "outlier_share": tr.outlier_share,
            "n_topics_named": _count(tr.info, "strong"), "n_topics_weak_name": _count(tr.info, "weak"),
            "outlier_share_before": tr.outlier_share_before,
            "topic_nmi": None if a.get("n", 0) < 2 else a["nmi"],
            "topic_ari": None if a.get("n", 0) < 2 else a["ari"],
            **care.counts(self.queue),
            "care_calls": int(self.queue["grade"].isin(["moderate", "severe"]).sum()) if len(self.queue) else 0,
            "top_complaint_topic": (str(self.trend.index[0]) if len(self.trend) and self.trend["now"].sum()
                                    else None),
        })
        for lang in ("zh", "en", "mixed"):
            m[f"n_texts_{lang}"] = int((tab["language"] == lang).sum())
        m["n_future_times"] = int(len(self.data.future)) if self.data.future is not None else 0
        return m

    def scored_table(self) -> pd.DataFrame:
        """Return ``feedback_scored``: one row per text, columns ``SCORED_COLUMNS`` (no text)."""
        out = self.table[[c for c in SCORED_COLUMNS if c != "source"]].copy()
        out.insert(2, "source", self.source)
        out["customer_id"] = out["customer_id"].astype("string")
        out["feedback_id"] = out["feedback_id"].astype("string")
        out["topic"] = np.asarray(out["topic"], dtype=np.int64)
        return out.reset_index(drop=True)

    def publish(self) -> Path:
        """Publish ``care_queue`` and ``feedback_scored`` (atomic, under the lock) where every analysis publishes:
        data/processed for the company world, data/interim/flat/processed for a flat table; return the folder."""
        from experiments.data import processed

        queue = self.queue.copy()
        queue["customer_id"] = queue["customer_id"].astype("string")
        return processed.publish_results({"care_queue": queue, "feedback_scored": self.scored_table()},
                                         company_world=self.company_world)


def _count(info: pd.DataFrame, match: str) -> int:
    """Topics (outliers excluded) whose ``labels.name_topics`` match is ``match`` (0 when topics were not named)."""
    if "name_match" not in info:
        return 0
    return int((info["name_match"].eq(match) & info["topic"].ne(-1)).sum())
