"""Topic names from the aspect lexicon (experiments.feedback.labels) and the placeholder fix in segment."""

from __future__ import annotations

import pandas as pd
import pytest

from experiments.common.errors import ParameterError
from experiments.data import paths
from experiments.feedback import labels, segment

LEX = {"delivery": ("delivery", "courier", "物流", "快递"), "refund": ("refund", "退款")}


def _info(*topics: tuple[list[str], list[float]]) -> pd.DataFrame:
    return pd.DataFrame({"topic": range(len(topics)), "label": [" · ".join(w[:4]) for w, _ in topics],
                         "size": [10] * len(topics), "words": [", ".join(w) for w, _ in topics],
                         "weights": [list(s) for _, s in topics]})


def test_placeholders_are_never_topic_words() -> None:
    # Failed before: the Latin tokenizer keeps "URL" and "@USER" upper-case and is_content_word compared lower-case
    # ("url", "@user"), so airline topics were labelled "@USER · time · phone · URL".
    assert segment.topic_tokenize("@USER the flight was late again URL") == ["flight", "late"]
    assert "@USER" not in segment.topic_tokenize("@USER 物流太慢了 URL")
    assert segment.tokenize("@USER 物流")[0] == "@USER"


def test_contractions_and_html_leftovers_are_not_topic_words() -> None:
    words = segment.topic_tokenize("I'm told it's lost, can't call, we've waited &amp; the airline's bags")
    assert words == ["told", "waited", "airline's", "bags"]  # lost: a VADER word; call: a stop word


def test_name_topics_strong_weak_and_none() -> None:
    info = _info((["退款", "到账", "订单"], [0.5, 0.3, 0.2]),      # 退款 holds 50%: strong
                 (["courier", "app", "crash", "login"], [0.1, 0.4, 0.3, 0.2]),  # 10%: weak
                 (["coffee", "beans"], [0.6, 0.4]))               # nothing matches
    out = labels.name_topics(info, LEX)
    assert out["label"].tolist() == ["refund", "delivery? · courier · app", "coffee · beans"]
    assert out["name_match"].tolist() == ["strong", "weak", "none"]
    assert out.loc[1, "name_words"] == "courier" and out.loc[1, "name_score"] == pytest.approx(0.1)
    assert labels.weak_names(out)["topic"].tolist() == [1]


def test_same_name_twice_is_told_apart_and_labels_stay_unique() -> None:
    info = _info((["退款", "门店"], [0.7, 0.3]), (["refunds", "app"], [0.6, 0.4]), (["refund"], [1.0]),
                 (["refund"], [1.0]))
    out = labels.name_topics(info, LEX)
    # "refunds" matches "refund" by prefix; the first two get their top other word; the last two have none left
    assert out["label"].tolist()[:2] == ["refund · 门店", "refund · app"]
    assert out["label"].is_unique and out["label"].tolist()[2:] == ["refund #2", "refund #3"]


def test_word_matching_rules() -> None:
    assert labels.word_matches("refunded", "refund") and labels.word_matches("退款单", "退款")
    assert not labels.word_matches("app", "apple") and not labels.word_matches("ap", "a")
    assert not labels.word_matches("appointment", "app")  # prefixes need four letters


def test_load_names_from_conf_file_and_mapping_and_errors(tmp_path) -> None:
    shipped = labels.load_names("conf/topic_names.yaml")
    assert {"delivery", "refund", "price"} <= set(shipped) and "物流" in shipped["delivery"]
    assert (paths.conf_dir() / "topic_names.yaml").is_file()
    assert labels.load_names({"Baggage": ["Bag", "luggage"]}) == {"Baggage": ("bag", "luggage")}
    assert labels.load_names("") == {}
    with pytest.raises(ParameterError, match="not found"):
        labels.load_names(str(tmp_path / "nope.yaml"))
    with pytest.raises(ParameterError, match="'Baggage' needs a non-empty list"):
        labels.load_names({"Baggage": "bag"})


def test_emoji_names_stay_whole_and_are_no_topic_words() -> None:
    # Failed before: jieba split ":pouting_face:" into "pouting" / "face", and "face" became the top word of the
    # largest topic of the issue-25 company world (1,305 texts labelled "app and coupons · face").
    assert segment.tokenize("包装难喝:pouting_face:") == ["包装", "难喝", ":pouting_face:"]
    assert segment.topic_tokenize("包装难喝 :pouting_face:") == ["包装"]
    assert segment.topic_tokenize("stale beans :pouting_face:") == ["stale", "beans"]
