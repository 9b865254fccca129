"""``Config``: the notebook's parameters as settings (no defaults here: they live in the notebook's parameters cell,
profiles in conf/params/05_feedback_topics_sentiment.yaml, range rules in conf/runs.yaml ``checks:``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from experiments.common.params import need, text
from experiments.feedback import care

NOTEBOOK = "05_feedback_topics_sentiment"


@dataclass(frozen=True)
class Config:
    """Settings of one feedback analysis; each field is the notebook parameter of the same name."""

    input_path: str  # the input and its columns (sources.load)
    input_encoding: str
    input_sheet: str
    input_sep: str
    input_header: str
    text_col: str
    label_col: str
    label_map: Mapping[str, str]  # raw label -> negative / neutral / positive
    time_col: str
    date_order: str  # slash dates: auto, dmy or mdy (common.dates.parse_dates)
    date_format: str
    channel_col: str
    customer_col: str
    text_id_col: str
    reference_topic_col: str
    language: str  # sentiment (sentiment.score)
    test_fraction: float
    topic_method: str  # topics (topics.fit_topics on the texts topic_filter keeps)
    topic_count: int
    topic_filter: str
    min_topic_size: int
    svd_components: int
    outlier_threshold: float
    topic_stop_words: tuple[str, ...]
    embedding_model: str
    topic_names: str  # names of topics (labels.load_names): a YAML file name -> words; empty: top words
    period_days: int  # the complaint trend and the care queue (care_rules)
    as_of: str
    care_keywords: Mapping[str, list[str]]
    care_repeat_contacts: int
    care_repeat_days: float
    care_window_days: float  # days of negative texts before as_of that enter the queue (07 reads the same name)
    care_min_grade: str
    care_actions: Mapping[str, str]
    care_due_hours: Mapping[str, float]
    seed: int

    @classmethod
    def from_parameters(cls, params: Mapping[str, Any]) -> Config:
        """Return the ``Config`` of ``params`` (the notebook's parameters; a missing key is a ``ParameterError``)."""
        t, n = partial(text, params, notebook=NOTEBOOK), partial(need, params, notebook=NOTEBOOK)
        return cls(
            input_path=t("input_path"), input_encoding=t("input_encoding"), input_sheet=t("input_sheet"),
            input_sep=t("input_sep"), input_header=t("input_header"),
            text_col=t("text_col"), label_col=t("label_col"), label_map=dict(n("label_map") or {}),
            time_col=t("time_col"), date_order=t("date_order"), date_format=t("date_format"),
            channel_col=t("channel_col"), customer_col=t("customer_col"), text_id_col=t("text_id_col"),
            reference_topic_col=t("reference_topic_col"), language=t("language"),
            test_fraction=float(n("test_fraction")), topic_method=t("topic_method"),
            topic_count=int(n("topic_count")), topic_filter=t("topic_filter"),
            min_topic_size=int(n("min_topic_size")), svd_components=int(n("svd_components")),
            outlier_threshold=float(n("outlier_threshold")),
            topic_stop_words=tuple(str(w) for w in (n("topic_stop_words") or [])),
            embedding_model=t("embedding_model"), topic_names=t("topic_names"),
            period_days=int(n("period_days")), as_of=t("as_of"),
            care_keywords=dict(n("care_keywords") or {}), care_repeat_contacts=int(n("care_repeat_contacts")),
            care_repeat_days=float(n("care_repeat_days")), care_window_days=float(n("care_window_days")),
            care_min_grade=t("care_min_grade"), care_actions=dict(n("care_actions") or {}),
            care_due_hours=dict(n("care_due_hours") or {}), seed=int(n("seed")))

    @property
    def care_rules(self) -> care.CareRules:
        """The escalation rules of the ``care_*`` parameters (empty dicts mean the built-in cues, actions, hours).
        ``care_keywords`` are text, matched literally (case-insensitive): ``(`` or ``.`` match themselves."""
        base = care.CareRules()
        cues = ({g: [re.escape(str(w)) for w in v] for g, v in self.care_keywords.items()} if self.care_keywords
                else base.cues)
        return care.CareRules(cues=cues, repeat_contacts=self.care_repeat_contacts, repeat_days=self.care_repeat_days,
                              window_days=self.care_window_days, min_grade=self.care_min_grade,
                              actions={**base.actions, **self.care_actions},
                              due_hours={**base.due_hours, **{k: float(v) for k, v in self.care_due_hours.items()}})
