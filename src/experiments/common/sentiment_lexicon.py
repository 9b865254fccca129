"""The lexicon sentiment scorer of the lab: VADER for English, the curated Chinese lexicon (data below) for Chinese.

Used by the feedback analysis (05, ``experiments.feedback.lexicon`` re-exports it) and by the service analysis (07,
inbound sentiment): one scorer, no sideways import between analyses. A leaf: imports nothing of the lab.

Scores: both languages give a compound score in [-1, 1]; polarity is positive at >= 0.05, negative at <= -0.05 and
neutral between, the thresholds of VADER's authors (Hutto & Gilbert 2014, ICWSM). The Chinese score is the sum of the
matched words' strengths (negators flip and halve, degree words multiply) squashed by VADER's own normalisation
``x / sqrt(x^2 + 15)``, so one strong word ("垃圾", 3) gives -0.61 and "有点慢" (0.6) -0.15. Mixed texts average the
two. Entry points: ``compound(texts, languages)`` and ``polarity(scores)``.

The Chinese lexicon (``LEXICON_TSV``), written for this lab (not copied from a published list), for customer
feedback and product / hotel reviews: about 360 entries chosen from the vocabulary of complaints and praise in
e-commerce, delivery, food and drink, service and hotels. Each line is ``word<TAB>kind<TAB>value``:

- ``pos`` / ``neg``: a sentiment word with its strength 1 (mild: 还行, 慢) to 3 (strong: 完美, 垃圾, 骗子); strength 0
  marks words that only look positive (你好, 好几, 最好) and shields them from 好;
- ``neg_phrase`` entries already contain their negation (不满意, 不好用, 没法用) and are matched before 不 / 没, and
  ``pos`` phrases containing a negator (不错, 没问题) likewise, so the negator inside them is not applied twice;
- ``negator``: flips the next sentiment word in the same clause (不, 没, 没有, 别, 无, 未, 不是, 并不, 毫不, 从不);
- ``degree``: multiplies the next sentiment word (很 1.5, 非常 1.8, 太 1.8, 有点 0.6, 稍微 0.5 ...).

How it is applied (``zh_raw_score``): the longest entry matching at each position wins; clauses end at punctuation.
A negator before a sentiment word flips it and halves it (不太好 is less negative than 差: the usual "negation shifts
rather than mirrors" finding, Taboada et al. 2011, Computational Linguistics 37(2)). Extend it by adding lines; the
feedback analysis also adds every word to its jieba tokenizer so it stays one word.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd

LEXICON_TSV = """\
你好	pos	0
好几	pos	0
好像	pos	0
只好	pos	0
正好	pos	0
最好	pos	0
好久	pos	0
好不容易	pos	0
好	pos	1
很好	pos	2
不错	pos	2
挺好	pos	2
还行	pos	1
还可以	pos	1
可以	pos	1
满意	pos	2
很满意	pos	3
喜欢	pos	2
爱	pos	2
推荐	pos	2
值得	pos	2
划算	pos	2
实惠	pos	2
便宜	pos	1
性价比高	pos	2
超值	pos	2
物美价廉	pos	3
好用	pos	2
好吃	pos	2
好喝	pos	2
美味	pos	2
香	pos	1
新鲜	pos	2
正品	pos	2
漂亮	pos	2
好看	pos	2
精致	pos	2
舒服	pos	2
舒适	pos	2
干净	pos	2
整洁	pos	2
卫生	pos	1
安静	pos	1
宽敞	pos	1
方便	pos	1
便利	pos	1
快	pos	1
很快	pos	2
迅速	pos	2
及时	pos	2
准时	pos	1
神速	pos	2
热情	pos	2
耐心	pos	2
周到	pos	2
贴心	pos	2
细心	pos	2
用心	pos	2
专业	pos	1
礼貌	pos	1
友好	pos	2
亲切	pos	2
负责	pos	1
靠谱	pos	2
给力	pos	2
赞	pos	2
点赞	pos	2
棒	pos	2
很棒	pos	3
优秀	pos	2
完美	pos	3
惊喜	pos	2
开心	pos	2
高兴	pos	2
感谢	pos	1
谢谢	pos	1
五星	pos	2
好评	pos	2
回购	pos	2
再来	pos	1
会再来	pos	2
还会再来	pos	2
支持	pos	1
放心	pos	2
安心	pos	1
结实	pos	1
耐用	pos	2
流畅	pos	2
稳定	pos	1
清晰	pos	1
大气	pos	1
温馨	pos	2
优惠	pos	1
实用	pos	1
合适	pos	1
合身	pos	1
正宗	pos	2
物超所值	pos	3
没问题	pos	1
没毛病	pos	2
无可挑剔	pos	3
挑不出毛病	pos	3
不贵	pos	1
不慢	pos	1
喜爱	pos	2
满分	pos	3
一流	pos	3
完好	pos	1
完好无损	pos	2
顺利	pos	1
愉快	pos	2
难忘	pos	1
差	neg	2
很差	neg	3
太差	neg	3
极差	neg	3
差劲	neg	3
不好	neg_phrase	2
不行	neg_phrase	2
不满	neg_phrase	2
不满意	neg_phrase	2
不值	neg_phrase	2
不值得	neg_phrase	2
不好用	neg_phrase	2
不好吃	neg_phrase	2
不好喝	neg_phrase	2
不新鲜	neg_phrase	2
不干净	neg_phrase	2
不方便	neg_phrase	1
不舒服	neg_phrase	2
不合适	neg_phrase	1
不推荐	neg_phrase	2
不会再	neg_phrase	2
不会再来	neg_phrase	3
不会再买	neg_phrase	3
再也不	neg_phrase	3
不理	neg_phrase	2
不回复	neg_phrase	2
不处理	neg_phrase	2
不清楚	neg_phrase	1
不一样	neg_phrase	1
不如	neg_phrase	1
不像	neg_phrase	1
没用	neg_phrase	2
没法用	neg_phrase	2
没人管	neg_phrase	2
没人理	neg_phrase	2
没人通知	neg_phrase	2
没到账	neg_phrase	2
没收到	neg_phrase	2
没有收到	neg_phrase	2
没有回复	neg_phrase	2
无语	neg_phrase	2
无法	neg_phrase	1
无奈	neg_phrase	1
失望	neg	2
很失望	neg	3
太失望	neg	3
后悔	neg	2
坑	neg	2
坑人	neg	3
骗	neg	3
骗人	neg	3
骗子	neg	3
欺骗	neg	3
忽悠	neg	2
垃圾	neg	3
糟糕	neg	3
糟透	neg	3
恶心	neg	3
烂	neg	2
破	neg	1
破损	neg	2
损坏	neg	2
坏	neg	2
坏了	neg	2
碎	neg	2
漏	neg	2
受潮	neg	2
发霉	neg	3
变质	neg	3
过期	neg	3
异味	neg	2
臭	neg	2
难吃	neg	3
难喝	neg	3
难闻	neg	2
难用	neg	2
难看	neg	2
脏	neg	2
脏乱	neg	3
潮湿	neg	2
吵	neg	2
吵闹	neg	2
噪音	neg	2
隔音差	neg	2
简陋	neg	2
陈旧	neg	1
旧	neg	1
老旧	neg	1
小气	neg	1
贵	neg	1
太贵	neg	2
昂贵	neg	2
不便宜	neg_phrase	1
涨价	neg	1
降价	neg	1
假	neg	2
假货	neg	3
山寨	neg	2
次品	neg	3
残次	neg	3
劣质	neg	3
粗糙	neg	2
瑕疵	neg	2
毛病	neg	1
问题	neg	1
故障	neg	2
闪退	neg	2
卡顿	neg	2
卡	neg	1
死机	neg	2
错误	neg	1
出错	neg	2
失败	neg	2
登录不上	neg	2
用不了	neg	2
打不开	neg	2
慢	neg	1
很慢	neg	2
太慢	neg	2
缓慢	neg	2
延误	neg	2
延迟	neg	2
拖	neg	1
拖延	neg	2
迟迟	neg	2
等了	neg	1
还没	neg	1
还没到	neg	2
还没送到	neg	2
丢件	neg	3
丢失	neg	2
少发	neg	2
漏发	neg	2
发错	neg	2
错发	neg	2
敷衍	neg	2
冷漠	neg	2
态度差	neg	3
态度恶劣	neg	3
恶劣	neg	3
粗鲁	neg	3
傲慢	neg	2
推脱	neg	2
推卸	neg	2
答非所问	neg	2
挂电话	neg	2
挂了	neg	1
不耐烦	neg_phrase	2
麻烦	neg	1
复杂	neg	1
繁琐	neg	2
拒绝	neg	2
被拒	neg	2
扣钱	neg	2
乱收费	neg	3
退款	neg	1
退货	neg	1
投诉	neg	3
举报	neg	3
曝光	neg	3
消协	neg	3
维权	neg	3
赔偿	neg	2
索赔	neg	3
差评	neg	3
生气	neg	2
气死	neg	3
愤怒	neg	3
郁闷	neg	2
心塞	neg	2
崩溃	neg	3
离谱	neg	3
过分	neg	2
无良	neg	3
黑心	neg	3
上当	neg	3
忍无可忍	neg	3
凑合	neg	1
一般	neg	1
鸡肋	neg	2
遗憾	neg	1
可惜	neg	1
担心	neg	1
不爽	neg_phrase	2
不靠谱	neg_phrase	3
不专业	neg_phrase	2
不负责	neg_phrase	2
不负责任	neg_phrase	3
不及时	neg_phrase	2
不准时	neg_phrase	2
不热情	neg_phrase	2
不友好	neg_phrase	2
不新	neg_phrase	1
不能用	neg_phrase	2
不能退	neg_phrase	2
不给退	neg_phrase	2
不给力	neg_phrase	2
不咋地	neg_phrase	2
不怎么样	neg_phrase	2
不太好	neg_phrase	1
不是很好	neg_phrase	1
不	negator	1
没	negator	1
没有	negator	1
别	negator	1
无	negator	1
未	negator	1
不是	negator	1
并不	negator	1
并没有	negator	1
毫不	negator	1
从不	negator	1
从来不	negator	1
绝不	negator	1
不太	negator	1
不够	negator	1
很	degree	1.5
非常	degree	1.8
特别	degree	1.8
十分	degree	1.7
超	degree	1.7
超级	degree	1.8
极其	degree	2.0
极	degree	1.8
太	degree	1.8
真	degree	1.3
真的	degree	1.3
挺	degree	1.3
蛮	degree	1.3
相当	degree	1.5
巨	degree	1.8
最	degree	1.8
更	degree	1.3
越来越	degree	1.3
实在	degree	1.5
完全	degree	1.5
根本	degree	1.5
简直	degree	1.7
有点	degree	0.6
有些	degree	0.6
有一点	degree	0.6
稍微	degree	0.5
稍	degree	0.5
略	degree	0.5
略微	degree	0.5
一点	degree	0.6
比较	degree	0.8
还算	degree	0.7
"""

KINDS = ("pos", "neg", "neg_phrase", "negator", "degree")


@lru_cache(maxsize=1)
def entries() -> dict[str, tuple[str, float]]:
    """Return ``{word: (kind, value)}`` parsed from ``LEXICON_TSV`` (the first entry of a word wins).

    ``neg_phrase`` comes back as kind ``neg``. Raises ValueError on a malformed line (wrong field count or kind).
    """
    out: dict[str, tuple[str, float]] = {}
    for n, line in enumerate(LEXICON_TSV.splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 3 or parts[1] not in KINDS:
            raise ValueError(f"LEXICON_TSV line {n}: expected 'word<TAB>kind<TAB>value' with kind in {KINDS}; "
                             f"got {line!r}")
        word, kind, value = parts
        kind = "neg" if kind == "neg_phrase" else kind
        out.setdefault(word, (kind, float(value)))
    return out


def lexicon_words() -> list[str]:
    """Return every word of the lexicon (for the jieba dictionary)."""
    return list(entries())


POS_THRESHOLD = 0.05
VADER_ALPHA = 15.0
NEGATION_SCALE = 0.5
_CLAUSE_END = "，。！？,.!?；;\n~…"


@lru_cache(maxsize=1)
def _zh_pattern() -> re.Pattern[str]:
    words = sorted(entries(), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words)) + "|[" + re.escape(_CLAUSE_END) + "]")


@lru_cache(maxsize=1)
def _vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def zh_raw_score(text: str) -> float:
    """Return the summed lexicon score of one Chinese text (before squashing); 0.0 when no word matches.

    Per clause (ended by punctuation): a negator flips the next sentiment word and halves it, degree words
    multiply it, both reset after it. Worked example: "不是很满意" = 不是 (negator), 很 (x1.5), 满意 (+2) ->
    -(2 x 1.5) x 0.5 = -1.5.
    """
    lex = entries()
    score, flips, mult = 0.0, 0, 1.0
    for m in _zh_pattern().finditer(text):
        word = m.group(0)
        if word in _CLAUSE_END:
            flips, mult = 0, 1.0
            continue
        kind, value = lex[word]
        if kind == "negator":
            flips += 1
        elif kind == "degree":
            mult *= value
        else:
            v = value * mult * (1.0 if kind == "pos" else -1.0)
            if flips % 2:
                v = -v * NEGATION_SCALE
            score += v
            flips, mult = 0, 1.0
    return score


def squash(x: float | np.ndarray, alpha: float = VADER_ALPHA) -> float | np.ndarray:
    """Return ``x / sqrt(x^2 + alpha)`` (VADER's normalisation into (-1, 1))."""
    return x / np.sqrt(np.square(x) + alpha)


def zh_compound(texts: pd.Series) -> np.ndarray:
    """Return the compound score in (-1, 1) of each Chinese text."""
    return np.array([squash(zh_raw_score(t)) for t in pd.Series(texts, dtype="object").fillna("")], dtype=float)


def en_compound(texts: pd.Series) -> np.ndarray:
    """Return VADER's compound score of each English text (Hutto & Gilbert 2014)."""
    vader = _vader()
    return np.array([vader.polarity_scores(t)["compound"] for t in pd.Series(texts, dtype="object").fillna("")],
                    dtype=float)


def compound(texts: pd.Series, languages: pd.Series) -> np.ndarray:
    """Return the lexicon compound score per text: VADER for ``en``, the Chinese lexicon for ``zh``, the mean for
    ``mixed``. ``texts`` should keep emoji (``normalise(..., emoji="keep")``): VADER scores them."""
    t = pd.Series(texts, dtype="object").fillna("").reset_index(drop=True)
    lang = pd.Series(languages, dtype="object").reset_index(drop=True)
    out = np.zeros(len(t))
    zh, en = lang.isin(["zh", "mixed"]).to_numpy(), lang.isin(["en", "mixed"]).to_numpy()
    zh_scores = zh_compound(t[zh]) if zh.any() else np.array([])
    en_scores = en_compound(t[en]) if en.any() else np.array([])
    out[zh] += zh_scores
    out[en] += en_scores
    out[(lang == "mixed").to_numpy()] /= 2.0
    return out


def polarity(scores: np.ndarray, classes: tuple[str, ...] = ("negative", "neutral", "positive"),
             threshold: float = POS_THRESHOLD, tie: str = "positive") -> np.ndarray:
    """Return negative / neutral / positive from compound scores (``threshold`` either side of 0).

    With two classes (no ``neutral`` among ``classes``, e.g. review corpora labelled 0/1) a score below 0 is
    negative, above 0 positive, and exactly 0 (no lexicon word) goes to ``tie`` (pass the majority class).
    """
    s = np.asarray(scores, dtype=float)
    if "neutral" in classes:
        return np.where(s >= threshold, "positive", np.where(s <= -threshold, "negative", "neutral"))
    return np.where(s > 0, "positive", np.where(s < 0, "negative", tie))
