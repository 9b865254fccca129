"""``run(config, data=None) -> Result``: the whole feedback analysis.

Load (``sources``), score sentiment with both methods (``sentiment``), fit topics on the texts ``topic_filter``
keeps (``topics``) and name them (``labels``, parameter ``topic_names``), grade negative texts and build the care
queue (``care``), the complaint trend (``trend``) and the cross-tabs. Never reads the planted truth (that is
``evaluation``'s).
"""

from __future__ import annotations

import pandas as pd

from experiments.feedback import care, labels, sentiment, topics, trend
from experiments.feedback.config import Config
from experiments.feedback.result import Result
from experiments.feedback.sources import Data, load, resolve_as_of


def run(config: Config, data: Data | None = None) -> Result:
    """Return the ``Result`` of the feedback analysis of ``config`` (``data`` read with ``sources.load`` if None)."""
    data = load(config) if data is None else data
    scored = sentiment.score(data.frame, language=config.language, test_fraction=config.test_fraction,
                             seed=config.seed)
    tab = scored.table.copy()
    source = f"{data.source}: column {config.text_col!r}"
    fitted = topics.filter_mask(tab.assign(reference_topic=data.frame["reference_topic"].to_numpy()),
                                config.topic_filter, source)
    tr = topics.fit_topics(tab.loc[fitted, "text_norm"], method=config.topic_method, n_topics=config.topic_count,
                           min_topic_size=config.min_topic_size, svd_components=config.svd_components,
                           outlier_threshold=config.outlier_threshold, seed=config.seed,
                           embedding_model=config.embedding_model, stop_words=set(config.topic_stop_words),
                           source=source)
    tr.info = labels.name_topics(tr.info, labels.load_names(config.topic_names))
    tab["topic"], tab["topic_label"] = topics.OUTSIDE_FILTER
    tab.loc[fitted, "topic"] = tr.topics
    tab.loc[fitted, "topic_label"] = tr.labels().to_numpy()
    tab["topic"] = tab["topic"].astype("int64")
    tab["in_topics"] = fitted
    rules = config.care_rules
    grades = care.grade_texts(tab["text"], tab["sentiment"].eq("negative"), rules)
    tab["grade"], tab["cue"] = grades["grade"].to_numpy(), grades["cue"].to_numpy()
    when = resolve_as_of(config.as_of, tab["created_at"])
    times = tab["created_at"] if tab["created_at"].notna().any() else pd.Series(when, index=tab.index)
    queue = care.care_queue(tab.assign(created_at=times), rules, when, data.source)
    inside = tab[fitted]
    return Result(data=data, scored=scored, topic_result=tr, table=tab, queue=queue,
                  trend=trend.complaint_trend(inside, when, config.period_days),
                  topic_sentiment=topics.crosstab(inside["topic_label"], inside["sentiment"], normalize="index"),
                  topic_channel=topics.crosstab(inside["topic_label"], inside["channel"]),
                  agreement=topics.agreement(data.frame.loc[fitted, "reference_topic"], tr.topics),
                  as_of=when, period_days=config.period_days)
