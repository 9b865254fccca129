"""The realistic feedback composer (synthetic.feedback_text, issue 25) and the flags it plants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments.synthetic import feedback_text as ft

SLOTS = {"product": "拿铁", "days": "6", "amount": "88", "order": "S000123"}
SLOTS_EN = {"product": "Latte Beans 250g", "days": "6", "amount": "88", "order": "S000123"}


def _many(lang: str, topic: str, sentiment: str, severity: str = "", n: int = 1500, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    slots = SLOTS if lang == "zh" else SLOTS_EN
    rows = [dict(zip(("text", "flags"), ft.compose(lang, topic, sentiment, severity, slots, rng), strict=True))
            for _ in range(n)]
    return pd.DataFrame({"text": [r["text"] for r in rows], **{k: [r["flags"][k] for r in rows]
                                                               for k in ("negation", "mixed", "sarcasm")}})


def test_devices_are_planted_at_their_rates() -> None:
    neg = _many("zh", "delivery_delay", "negative", "moderate")
    short = ft.RATES["short"]
    # sarcasm is drawn first, negation only when there is no sarcasm, mixed on top of either (after short texts)
    assert neg["sarcasm"].mean() == pytest.approx((1 - short) * ft.RATES["sarcasm"], abs=0.02)
    assert neg["negation"].mean() == pytest.approx((1 - short) * (1 - ft.RATES["sarcasm"]) * ft.RATES["negation"],
                                                   abs=0.025)
    assert neg["mixed"].mean() == pytest.approx((1 - short) * ft.RATES["mixed"], abs=0.025)
    assert neg["text"].nunique() > 0.9 * len(neg)  # composed, not a handful of templates


def test_topic_words_are_shared_and_intensity_follows_severity() -> None:
    mild = _many("zh", "delivery_delay", "negative", "mild", n=600)
    severe = _many("zh", "delivery_delay", "negative", "severe", n=600)
    aspects = ft.ASPECTS[("zh", "delivery_delay")]
    for frame in (mild, severe):  # nearly every text names an aspect of the topic (short ones need not)
        assert frame["text"].map(lambda t: any(a in t for a in aspects)).mean() > 0.85
    neg1, neg3 = ft.OPINIONS[("zh", "speed")]["neg1"], ft.OPINIONS[("zh", "speed")]["neg3"]
    assert mild["text"].str.contains("|".join(neg1)).mean() > 0.5 > severe["text"].str.contains("|".join(neg1)).mean()
    assert severe["text"].str.contains("|".join(neg3)).mean() > 0.5
    assert severe["text"].map(lambda t: any(c in t for c in ft.SEVERITY[("zh", "severe")])).mean() > 0.9


def test_negation_mixed_and_sarcasm_read_as_planted() -> None:
    neg = _many("en", "product_quality", "negative", "moderate", n=800)
    negated = neg.loc[neg["negation"] & ~neg["mixed"], "text"]
    assert negated.str.contains("not fresh at all|not good", case=False).mean() > 0.9  # a typo may hit them
    mixed = neg.loc[neg["mixed"], "text"]
    assert mixed.str.contains(", but |, however | though ").mean() > 0.9
    sarcastic = neg.loc[neg["sarcasm"], "text"]
    assert sarcastic.str.contains("cardboard|premium|'fresh'", case=False).mean() > 0.9
    neutral = _many("zh", "delivery_delay", "neutral", n=600)
    assert neutral.loc[neutral["negation"], "text"].str.contains("不算慢|也不慢|没有很慢").all()
    assert not neutral["sarcasm"].any()


def test_languages_stay_apart_and_code_switching_keeps_chinese() -> None:
    en = _many("en", "refund", "negative", "mild", n=500)
    assert not en["text"].str.contains(r"[\u4e00-\u9fff]").any()
    zh = _many("zh", "refund", "negative", "mild", n=800)
    assert zh["text"].str.contains(r"[\u4e00-\u9fff]").all()
    switched = zh["text"].str.contains("refund|after-sales|kuaidi|customer service")
    assert 0.03 < switched.mean() < 0.2  # planted 10% where a switchable word occurs
    lengths = zh["text"].str.len()
    assert lengths.min() <= 4 and lengths.max() >= 60  # from "差评" to a paragraph
