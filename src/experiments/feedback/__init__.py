"""Feedback topics, sentiment and graded care (notebook ``05_feedback_topics_sentiment``).

The one shape (docs/architecture.md): ``config`` (``Config.from_parameters``), ``sources`` (``load``: the company
world's feedback with the customers' star ratings as labels, or a flat table; labels, times, quarantine),
``analysis`` (``run(config) -> Result``), ``result`` (``Result``: tables, metrics, ``publish`` of
``feedback_scored`` and ``care_queue``), ``present`` (report text and tables), ``charts`` (figures) and
``evaluation`` (against the planted truth: the only module that reads it).

One method each: ``language`` (zh / en / mixed from the CJK-character ratio), ``normalise`` (URLs, @mentions,
emoji, repeated punctuation; negation kept), ``segment`` (jieba words for Chinese, regex words for the rest),
``lexicon`` (the lab's lexicon scorer ``common.sentiment_lexicon`` plus intensity grades), ``supervised`` (TF-IDF
words + character n-grams, logistic regression), ``sentiment`` (both methods side by side on the texts),
``topics`` (BERTopic with scikit-learn embeddings and KMeans by default; ``topic_filter``), ``care`` (mild /
moderate / severe grades, escalation rules, actions and due times), ``trend`` (negative texts per topic, this
period against the one before).
"""

from experiments.feedback.analysis import run
from experiments.feedback.config import Config
from experiments.feedback.result import Result
from experiments.feedback.sources import load

__all__ = ["Config", "Result", "load", "run"]
