"""Words of a text: jieba for Chinese (one-character words kept), a regex for everything else.

jieba is loaded once per process, quietly, as a private ``jieba.Tokenizer`` (the global ``jieba`` dictionary that
other code may use is left untouched) with the words of the Chinese sentiment lexicon added, so "不满意" and "性价比"
stay whole. One-character words are kept: in Chinese 好, 差, 慢, 贵, 不 and 没 carry the meaning, and scikit-learn's
default token pattern (two or more characters) would drop every one of them.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
import warnings
from collections.abc import Iterable
from functools import lru_cache

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from experiments.feedback.language import CJK_CLASS

_CJK = re.compile(CJK_CLASS)
_WORD = re.compile(r":[a-z_]+:|@USER|URL|[A-Za-z]+(?:'[A-Za-z]+)?|\d+(?:\.\d+)?|[!?！？]")
_KEEP_PUNCT = {"!", "?", "！", "？"}
_EMOJI_NAME = re.compile(r":[a-z_]+:")
#: The placeholders ``normalise`` writes for links and mentions (lower-cased): never a topic word. The Latin
#: tokenizer keeps them upper-case (``URL``, ``@USER``), jieba lower-cases them, so they are compared lower-cased.
PLACEHOLDERS = frozenset({"url", "@user"})
#: Tokens jieba would split (``:pouting_face:`` into ``pouting`` / ``face``, ``@USER`` into ``@`` / ``USER``): kept
#: whole in Chinese text too.
_WHOLE = re.compile(r"(:[a-z_]+:|@USER)")
_JIEBA = None

#: Function words dropped from topic labels only (never from sentiment features, where 不 and not matter).
ZH_STOP = frozenset("""
的 了 是 我 你 他 她 它 们 我们 你们 在 也 就 都 和 与 跟 把 被 给 这 那 这个 那个 一个 一下 一直
还 又 吧 吗 呢 啊 呀 哦 嗯 么 个 之 其 着 过 很 太 非常 有点 有 让 对 说 要 会 能 可以 已经
还是 但是 不过 因为 所以 如果 然后 而且 或者 请 麻烦 谢谢 你好 亲 各位 次 啦 得 地 从 到
上 下 里 后 前 时候 什么 怎么 自己""".split())

#: Words about the message rather than its subject (greetings, politeness, "first review", "please reply",
#: "hope you improve"), dropped from topic words only, like the stop words.
FEEDBACK_STOP = frozenset("""
评价 反馈 第一次 老顾客 老 顾客 好几 说实话 希望 下次 改进 处理 说法 回复 期待 继续 一下
体验 不算 反映 要求 唉 想 买 一起 支持 来 直接 hi hello team honestly fyi note quick thanks thank cheers appreciate
please respond waiting answer hope improve just letting know experience long-time customer here
deal""".split())


#: What is left of HTML entities in exported tweets and web forms ("&amp;" read as "amp"): never a topic word.
MARKUP = frozenset({"amp", "gt", "lt", "quot", "nbsp"})

#: Dictionary words jieba prefers where feedback almost always means their parts: "5天才到" is 5 天 / 才到 (arrived
#: only after 5 days), not 天才 (genius).
MISREAD = ("天才",)


@lru_cache(maxsize=1)
def sentiment_words() -> frozenset[str]:
    """Return the words that say how rather than what: Chinese lexicon words of strength 2+, negators and degree
    words, and every word of VADER's English lexicon. Topic words leave them out (sentiment is scored separately)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from experiments.common.sentiment_lexicon import entries

    zh = {w for w, (kind, v) in entries().items() if kind in ("negator", "degree") or abs(v) >= 2}
    return frozenset(zh | set(SentimentIntensityAnalyzer().lexicon))


def jieba_tokenizer():
    """Return the process-wide private jieba tokenizer, initialised quietly on first use."""
    global _JIEBA
    if _JIEBA is None:
        with warnings.catch_warnings():  # jieba's regexes trigger DeprecationWarnings on import
            warnings.simplefilter("ignore")
            import jieba

        from experiments.common.sentiment_lexicon import lexicon_words

        jieba.setLogLevel(logging.WARNING)
        tok = jieba.Tokenizer()
        with contextlib.redirect_stderr(io.StringIO()):
            tok.initialize()
        for word in lexicon_words():
            if len(word) > 1:
                tok.add_word(word, freq=200000)
        for word in MISREAD:
            tok.del_word(word)
        _JIEBA = tok
    return _JIEBA


def has_cjk(text: str) -> bool:
    """True when ``text`` contains at least one Chinese character."""
    return _CJK.search(text) is not None


def tokenize(text: str) -> list[str]:
    """Return the words of ``text`` (see ``_tokenize``); cached, so scoring and topics segment each text once."""
    return list(_tokenize(text))


@lru_cache(maxsize=250_000)
def _tokenize(text: str) -> tuple[str, ...]:
    """Return the words of ``text`` (Latin lower-cased; ``!`` and ``?`` kept as tokens; other punctuation dropped).

    Text with any Chinese character goes through jieba (which also keeps Latin words whole); the rest through a
    regex for words, numbers, emoji names (``:pouting_face:``), ``URL`` and ``@USER``.
    """
    if not text:
        return ()
    if has_cjk(text):
        out = []
        if "@USER" in text or ":" in text:  # emoji names and the mention placeholder stay one token
            parts = _WHOLE.split(text)
            if len(parts) > 1:
                for k, part in enumerate(parts):
                    out += [part] if k % 2 else list(_tokenize(part))
                return tuple(out)
        for w in jieba_tokenizer().lcut(text):
            w = w.strip()
            if not w:
                continue
            if _CJK.search(w) or w in _KEEP_PUNCT or w[0].isalnum():
                out.append(w.lower())
        return tuple(out)
    return tuple(w if w in ("URL", "@USER") else w.lower() for w in _WORD.findall(text))


def tokenize_many(texts: Iterable[str]) -> list[list[str]]:
    """Return ``tokenize`` of every text."""
    return [tokenize(t) for t in texts]


def is_content_word(word: str) -> bool:
    """True for a word that says what a text is about: not a stop word, feedback boilerplate, sentiment word,
    number, id, URL, mention, emoji name or punctuation."""
    if (word in ZH_STOP or word in ENGLISH_STOP_WORDS or word in FEEDBACK_STOP or word in _KEEP_PUNCT
            or word.lower() in PLACEHOLDERS or word in sentiment_words()):
        return False
    if any(ch.isdigit() for ch in word) or word in MARKUP or _is_contraction(word) or _EMOJI_NAME.fullmatch(word):
        return False
    return not (len(word) == 1 and word.isascii())


def _is_contraction(word: str) -> bool:
    """True for an English contraction of a function word: "i'm", "i've", "can't", "don't", "we'll", "it's"
    (but not a possessive such as "airline's")."""
    base, _, suffix = word.partition("'")
    return bool(suffix) and (suffix in ("m", "ve", "re", "ll", "d", "t") or base in ENGLISH_STOP_WORDS)


def topic_tokenize(text: str) -> list[str]:
    """Return the content words of ``text`` (``tokenize`` filtered by ``is_content_word``), for topic labels."""
    return [w for w in tokenize(text) if is_content_word(w)]
