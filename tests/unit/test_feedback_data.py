"""Feedback inputs (sources) and sentiment scoring: label mapping, time parsing (the one date parser), flat-table
loading through Config, split, evaluation, topic_filter."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.common.errors import DataInputError, ParameterError
from experiments.feedback import Config, sentiment, sources, supervised, topics
from experiments.lab.config import notebook_parameters

NB = "05_feedback_topics_sentiment"


def _load(path: Path, text_col: str, **overrides) -> sources.Data:
    """``sources.load`` of a flat table with the notebook's own parameters plus ``overrides``."""
    return sources.load(Config.from_parameters(notebook_parameters(NB, None, {"input_path": str(path),
                                                                          "text_col": text_col, **overrides})))


def test_map_labels_with_and_without_label_map() -> None:
    raw = pd.Series([0, 1, 1.0, None])
    assert sources.map_labels(raw, {"0": "negative", "1": "Positive"}, "f.csv", "label").tolist()[:3] == [
        "negative", "positive", "positive"]
    assert pd.isna(sources.map_labels(raw, {"0": "negative", "1": "positive"}, "f.csv", "label").iat[3])
    assert sources.map_labels(pd.Series(["Negative", "neutral"]), None, "f.csv", "s").tolist() == [
        "negative", "neutral"]


def test_map_labels_errors_name_file_column_values_and_rows() -> None:
    with pytest.raises(DataInputError, match=r"f\.csv: column 'stars'.*\['5'\].*row 2"):
        sources.map_labels(pd.Series(["negative", "5"]), None, "f.csv", "stars")
    with pytest.raises(DataInputError, match="every target must be one of"):
        sources.map_labels(pd.Series(["1"]), {"1": "good"}, "f.csv", "stars")


def test_parse_times_honours_offsets_and_rejects_garbage() -> None:
    out = sources.parse_times(pd.Series(["2015-02-24 11:35:52 -0800", "2025-06-01", None]), "t.csv", "when")
    assert out.iat[0] == pd.Timestamp("2015-02-24 19:35:52", tz="UTC")
    assert out.iat[1] == pd.Timestamp("2025-06-01", tz="UTC") and pd.isna(out.iat[2])
    with pytest.raises(DataInputError, match=r"t\.csv: column 'when'.*rows 2, 3"):
        sources.parse_times(pd.Series(["2025-06-01", "yesterday", "soon"]), "t.csv", "when")


def _write(tmp_path: Path) -> Path:
    df = pd.DataFrame({"review": ["很好", "", "太差了", "不错"], "label": [1, 0, 0, 1],
                       "when": ["2025-01-01", "2025-01-02", "2025-01-03", "2025-01-04"]})
    path = tmp_path / "reviews.csv"
    df.to_csv(path, index=False)
    return path


def test_load_flat_table_quarantines_empty_texts_and_fills_ids(tmp_path: Path) -> None:
    fb = _load(_write(tmp_path), "review", label_col="label", label_map={"0": "negative", "1": "positive"},
               time_col="when")
    assert fb.frame["text"].tolist() == ["很好", "太差了", "不错"]
    assert fb.frame["label"].tolist() == ["positive", "negative", "positive"]
    assert fb.frame["customer_id"].tolist() == ["text_1", "text_3", "text_4"]  # one customer per text
    assert fb.quarantine["reason"].tolist() == ["empty_text"] and fb.quarantine["feedback_id"].iat[0] == "row_2"
    assert fb.source == "reviews.csv"


def test_load_missing_column_names_parameter_and_closest(tmp_path: Path) -> None:
    with pytest.raises(DataInputError, match=r"text_col asks for column 'reviews'.*did you mean 'review'"):
        _load(_write(tmp_path), "reviews")


def test_split_is_stratified_and_validates() -> None:
    labels = pd.Series(["negative"] * 8 + ["positive"] * 4 + [None] * 3)
    train, test = supervised.split(labels, 0.25, 42)
    assert len(test) == 3 and len(train) == 9 and not set(train) & set(test)
    assert labels.iloc[test].value_counts().to_dict() == {"negative": 2, "positive": 1}
    assert max(np.concatenate([train, test])) < 12  # unlabelled rows are in neither
    with pytest.raises(ValueError, match="between 0 and 1"):
        supervised.split(labels, 1.0, 42)
    with pytest.raises(ValueError, match="at least 2 labelled rows"):
        supervised.split(pd.Series(["negative"] * 5 + ["positive"]), 0.2, 42)


def test_evaluate_hand_worked() -> None:
    # true  n n n p p ; pred n n p p n ; accuracy 3/5.
    # F1(n): precision 2/3, recall 2/3 -> 2/3; F1(p): precision 1/2, recall 1/2 -> 1/2; macro = 7/12.
    # language zh = rows 0-2: n n n vs n n p -> accuracy 2/3; F1(n) = 0.8, only class n present -> macro 0.8.
    ev = supervised.evaluate(pd.Series(list("nnnpp")), pd.Series(list("nnppn")), pd.Series(["zh"] * 3 + ["en"] * 2))
    assert ev.loc["all", "accuracy"] == pytest.approx(0.6)
    assert ev.loc["all", "macro_f1"] == pytest.approx(7 / 12)
    assert ev.loc["zh", "accuracy"] == pytest.approx(2 / 3)
    assert ev.loc["zh", "macro_f1"] == pytest.approx(0.8)
    cm = supervised.confusion(pd.Series(["negative", "positive"]), pd.Series(["negative", "negative"]))
    assert cm.loc["positive", "negative"] == 1 and cm.loc["negative", "negative"] == 1


def test_supervised_model_learns_negation_in_both_languages() -> None:
    pos = ["很好", "非常好", "质量好", "good", "very good", "good quality"] * 5
    neg = ["不好", "非常不好", "质量不好", "not good", "not very good", "not good quality"] * 5
    m = supervised.SentimentModel(min_df=1).fit(pd.Series(pos + neg), pd.Series(["positive"] * 30 + ["negative"] * 30))
    pred = m.predict_proba(pd.Series(["服务不好", "service not good", "服务很好", "service good"])).idxmax(axis=1)
    assert pred.tolist() == ["negative", "negative", "positive", "positive"]
    with pytest.raises(ValueError, match="at least two label classes"):
        supervised.SentimentModel().fit(pd.Series(["a", "b"]), pd.Series(["positive", "positive"]))


def test_score_without_labels_falls_back_to_the_lexicon() -> None:
    fb = pd.DataFrame({"feedback_id": ["1", "2"], "customer_id": ["a", "b"], "channel": "x",
                       "time": pd.NaT, "text": ["太差了", "great service"], "label": [None, None],
                       "reference_topic": None})
    s = sentiment.score(fb)
    assert s.table["sentiment"].tolist() == ["negative", "positive"]
    assert s.metrics["sentiment_accuracy"] is None and s.notes


def test_short_label_names_need_no_label_map_and_errors_suggest_a_fitting_map() -> None:
    # blind check: "pos"/"neg" strings, 0/1 ints and 1-5 stars
    assert sources.map_labels(pd.Series(["pos", "NEG", "neu", ""]), None, "f.csv", "s").tolist()[:3] == [
        "positive", "negative", "neutral"]
    with pytest.raises(DataInputError, match=r"r\.csv: column 'stars'.*\['1', '3', '5'\].*rows 1, 2, 3.*"
                                             r'"3": "neutral".*star ratings'):
        sources.map_labels(pd.Series([1, 3, 5.0]), None, "r.csv", "stars")
    with pytest.raises(DataInputError, match=r'\{"0": "negative", "1": "positive"\}'):
        sources.map_labels(pd.Series([0, 1]), None, "r.csv", "label")
    with pytest.raises(DataInputError, match=r'"bad": "\.\.\.", "good": "\.\.\."'):
        sources.map_labels(pd.Series(["good", "bad"]), None, "r.csv", "label")
    stars = {"1": "negative", "2": "negative", "3": "neutral", "4": "positive", "5": "positive"}
    assert sources.map_labels(pd.Series([5.0, 1.0, None, 3]), stars, "r.csv", "stars").tolist()[:2] == [
        "positive", "negative"]


def test_a_text_column_without_any_text_names_file_column_and_rows(tmp_path: Path) -> None:
    path = tmp_path / "blank.csv"
    pd.DataFrame({"review": [" ", None, ""], "label": [1, 0, 1]}).to_csv(path, index=False)
    with pytest.raises(DataInputError, match=r"blank\.csv: column 'review' \(text_col\) has no text.*rows 1, 2, 3"):
        _load(path, "review")


def test_one_label_class_says_so_and_leaves_accuracy_empty() -> None:
    fb = pd.DataFrame({"feedback_id": [str(i) for i in range(30)], "customer_id": "a", "channel": "x",
                       "time": pd.NaT, "text": ["很好"] * 30, "label": ["positive"] * 30, "reference_topic": None})
    s = sentiment.score(fb)
    assert s.metrics["sentiment_accuracy"] is None
    assert "all 30 labelled texts are positive (one class)" in s.notes[0]


def test_slash_dates_are_read_one_way_per_column_never_guessed_per_value(tmp_path: Path) -> None:
    # pandas format="mixed" (the old parser) read 03/04/2025 as 4 March and 13/04/2025 as 13 April in one column;
    # the one date parser sees a day above 12, reads the whole column day-first and says so.
    path = tmp_path / "slash.csv"
    pd.DataFrame({"text": ["late parcel", "great", "slow app", "ok"],
                  "when": ["03/04/2025", "13/04/2025", "01/02/2025", ""]}).to_csv(path, index=False)
    fb = _load(path, "text", time_col="when")
    assert fb.frame["time"].tolist()[:3] == [pd.Timestamp("2025-04-03", tz="UTC"), pd.Timestamp("2025-04-13", tz="UTC"),
                                             pd.Timestamp("2025-02-01", tz="UTC")]
    assert pd.isna(fb.frame["time"].iat[3])
    # every slash date ambiguous: an error naming file, column and the parameter, until date_order says how
    ambiguous = tmp_path / "ambiguous.csv"
    pd.DataFrame({"text": ["a", "b"], "when": ["03/04/2025", "05/06/2025"]}).to_csv(ambiguous, index=False)
    with pytest.raises(DataInputError, match=r"ambiguous\.csv: .*'when'.*date_order"):
        _load(ambiguous, "text", time_col="when")
    mdy = _load(ambiguous, "text", time_col="when", date_order="mdy")
    assert mdy.frame["time"].tolist() == [pd.Timestamp("2025-03-04", tz="UTC"), pd.Timestamp("2025-05-06", tz="UTC")]
    fmt = _load(ambiguous, "text", time_col="when", date_format="%d/%m/%Y")
    assert fmt.frame["time"].iat[1] == pd.Timestamp("2025-06-05", tz="UTC")


def test_topic_filter_keeps_the_rows_of_a_pandas_query_and_names_the_columns_when_it_fails() -> None:
    t = pd.DataFrame({"sentiment": ["negative", "positive", "negative", "negative", "negative"],
                      "reference_topic": ["late", "", "Can't Tell", "late", "lost"]})
    assert topics.filter_mask(t, "").tolist() == [True] * 5
    assert topics.filter_mask(t, 'sentiment == "negative"').tolist() == [True, False, True, True, True]
    with pytest.raises(ParameterError, match=r"keeps 3 of 5 texts; topics need at least 4"):
        topics.filter_mask(t, 'sentiment == "negative" and reference_topic != "Can\'t Tell"')
    with pytest.raises(ParameterError, match=r"'mood == 1' does not evaluate.*'sentiment', 'reference_topic'"):
        topics.filter_mask(t, "mood == 1")
