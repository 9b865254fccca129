"""Language detection, normalisation and segmentation of feedback texts (experiments.feedback)."""

from __future__ import annotations

import pandas as pd
import pytest

from experiments.feedback import language, normalise, segment


def test_cjk_share_counts_characters_against_latin_words() -> None:
    # "App一打开就闪退": 6 Han characters, 1 Latin word -> 6 / 7; "my 拿铁 arrived late": 2 / (2 + 3) = 0.4;
    # "!!!" has neither -> 0.
    share = language.cjk_share(pd.Series(["App一打开就闪退", "my 拿铁 arrived late", "!!!"]))
    assert share.tolist() == pytest.approx([6 / 7, 0.4, 0.0])


def test_detect_separates_zh_en_and_mixed() -> None:
    texts = pd.Series(["物流太慢了", "The app crashes on launch", "客服 was rude and 没有 reply", "", "😡😡"])
    # third: 客服 + 没有 = 4 characters, 4 words -> 0.5 -> mixed; empty and emoji-only have no CJK -> en
    assert language.detect(texts).tolist() == ["zh", "en", "mixed", "en", "en"]


def test_detect_rejects_inverted_thresholds_and_resolve_rejects_unknown_language() -> None:
    with pytest.raises(ValueError, match="en_max < zh_min"):
        language.detect(pd.Series(["x"]), zh_min=0.2, en_max=0.5)
    with pytest.raises(ValueError, match="'auto', 'zh' or 'en'"):
        language.resolve(pd.Series(["x"]), "fr")
    assert language.resolve(pd.Series(["hello", "你好"]), "zh").tolist() == ["zh", "zh"]


def test_normalise_replaces_urls_mentions_emoji_and_repeats_but_keeps_negation() -> None:
    out = normalise.normalise(pd.Series([
        "@DeltaAssist I don't like it!!!!! see https://t.co/abc sooooo bad 😡",
        "不好用。。。。别买",
        "ＡＰＰ很卡",
    ]))
    assert out.tolist() == [
        "@USER I don't like it!! see URL soo bad :pouting_face:",
        "不好用。。别买",
        "APP很卡",
    ]


def test_normalise_emoji_modes_and_bad_mode() -> None:
    s = pd.Series(["good 👍"])
    assert normalise.normalise(s, emoji="keep").iat[0] == "good 👍"
    assert normalise.normalise(s, emoji="drop").iat[0] == "good"
    with pytest.raises(ValueError, match="emoji must be"):
        normalise.normalise(s, emoji="x")


def test_segment_keeps_one_character_words_and_lexicon_words_whole() -> None:
    # 好, 贵 and 我 are one-character words (sklearn's default token pattern would drop them); 不满意 is a lexicon
    # word, kept whole instead of 不 + 满意; punctuation goes.
    assert segment.tokenize("东西好，价格贵，我不满意") == ["东西", "好", "价格", "贵", "我", "不满意"]


def test_segment_english_keeps_negation_and_exclamation() -> None:
    assert segment.tokenize("I don't like it!") == ["i", "don't", "like", "it", "!"]
    assert segment.tokenize("") == []


def test_topic_words_drop_stop_sentiment_and_ids() -> None:
    words = segment.topic_tokenize("订单S000123的快递太慢了，真的很失望")
    assert "快递" in words
    assert not {"的", "了", "很", "失望", "s000123"} & set(words)
