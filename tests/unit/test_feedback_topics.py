"""BERTopic light: Chinese words survive, clear themes are found, runs repeat from the seed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments.feedback import topics

THEMES = {
    "delivery": ["快递{}天才到，物流太慢", "配送延误{}天，快递一直在途中", "物流{}天了还没送到，快递员不接电话",
                 "delivery took {} days, courier lost the parcel", "the courier delivery was {} days late"],
    "app": ["App闪退，登录不上{}次", "付款页面卡住，App报错{}次", "App更新后闪退，登录失败",
            "the app crashes at login, payment page error {}", "app login fails after the update {}"],
}


def _corpus(n: int = 30) -> tuple[pd.Series, np.ndarray]:
    texts, labels = [], []
    for i in range(n):
        for k, bank in enumerate(THEMES.values()):
            texts.append(bank[i % len(bank)].format(i + 2))
            labels.append(k)
    return pd.Series(texts), np.array(labels)


def test_kmeans_topics_recover_two_clear_themes_with_chinese_words() -> None:
    # Two themes x two languages share no words across languages, so the four clusters are theme x language:
    # every topic must hold one theme only (homogeneity 1).
    from sklearn.metrics import homogeneity_score

    texts, labels = _corpus()
    res = topics.fit_topics(texts, n_topics=4, svd_components=10, seed=1)
    assert res.n_topics == 4 and res.outlier_share == 0.0
    assert homogeneity_score(labels, res.topics) == pytest.approx(1.0)
    words = " ".join(res.info["words"])
    assert "快递" in words or "物流" in words  # Chinese words are not stripped
    assert "app" in words
    again = topics.fit_topics(texts, n_topics=4, svd_components=10, seed=1)  # same seed, same topics
    assert np.array_equal(res.topics, again.topics)
    pd.testing.assert_frame_equal(res.info, again.info)


def test_fit_topics_rejects_bad_method_and_tiny_input() -> None:
    with pytest.raises(ValueError, match="topic_method"):
        topics.fit_topics(pd.Series(["a"] * 10), method="lda")
    with pytest.raises(ValueError, match="at least 4"):
        topics.fit_topics(pd.Series(["a", "b"]))


def test_agreement_and_crosstab_hand_worked() -> None:
    # identical partitions under relabelling -> NMI 1, ARI 1; missing references are ignored
    a = topics.agreement(pd.Series(["x", "x", "y", "y", None]), np.array([5, 5, 7, 7, 7]))
    assert a["nmi"] == pytest.approx(1.0) and a["ari"] == pytest.approx(1.0) and a["n"] == 4
    tab = topics.crosstab(pd.Series(["t1", "t1", "t2"]), pd.Series(["negative", "positive", "negative"]), "index")
    assert tab.loc["t1", "negative"] == pytest.approx(0.5) and list(tab.index) == ["t1", "t2"]


def test_each_text_is_segmented_once_never_a_topic_sized_concatenation(monkeypatch) -> None:
    # BERTopic's c-TF-IDF joins every text of a topic into one string; segmenting that with jieba made 100,000
    # texts take hours. The vectorizers must only split the pre-segmented documents on whitespace.
    seen: list[int] = []
    real = topics.topic_tokenize

    def spy(text: str) -> list[str]:
        seen.append(len(text))
        return real(text)

    monkeypatch.setattr(topics, "topic_tokenize", spy)
    texts, _ = _corpus()
    topics.fit_topics(texts, n_topics=4, svd_components=10, seed=1)
    assert len(seen) == len(texts)  # once per text
    assert max(seen) <= texts.str.len().max()


def test_content_docs_and_stop_words() -> None:
    # 的 is a stop word, 很/慢 and "lost" sentiment words, 2 a number, "the"/"my" English stop words
    assert topics.content_docs(pd.Series(["快递的物流很慢2天"])) == ["快递 物流 天"]
    assert topics.content_docs(pd.Series(["the courier lost my latte", None])) == ["courier latte", ""]
    assert topics.content_docs(pd.Series(["the courier lost my Latte"]), {"latte"}) == ["courier"]
    texts, _ = _corpus()
    res = topics.fit_topics(texts, n_topics=4, svd_components=10, seed=1, stop_words={"快递", "app"})
    words = set(", ".join(res.info["words"]).split(", "))
    assert "物流" in words and "快递" not in words and "app" not in words
    assert res.info["examples"].str.contains("快递|App|app").any()  # examples are the original texts


def test_texts_without_content_words_stop_with_the_source_and_texts() -> None:
    # 好评 and bad are sentiment words, 123 a number, !!! and :) punctuation: no content word is used twice
    texts = pd.Series(["好评", "bad", "还行", "!!!", "123", ":)"])
    with pytest.raises(ValueError, match=r"r\.csv: column 'text': topics need at least 3 distinct content words"
                                         r".*texts 1, 2"):
        topics.fit_topics(texts, source="r.csv: column 'text'")
    with pytest.raises(ValueError, match=r"r\.csv: column 'text': topics need at least 4 texts; got 2"):
        topics.fit_topics(pd.Series(["a", "b"]), source="r.csv: column 'text'")
