"""Feedback texts composed from parts, per language, the way customers write them (issue 25).

A text is built around one planted topic and sentiment:

- an **aspect** of the topic (``ASPECTS``: "物流", "快递员", "the courier", "my parcel" ... for ``delivery_delay``),
  drawn anew for each sentence, so the words of a topic are shared across many texts and sentences;
- a **fact** about the topic without opinion ("下单{days}天了", "I paid {amount} CNY for the {product}");
- an **opinion** about the aspect from the topic's family (speed, quality, price, attitude, app) with an intensity:
  mild / moderate / severe negatives use opinion words of intensity 1 / 2 / 3 ("有点慢", "太慢了", "慢得离谱");
- at planted rates (``RATES``): **negation** (negative said as a negated positive, "一点都不新鲜", "not fresh at
  all"; neutral or positive said as a negated negative, "不算慢", "not bad"), **mixed** opinions (praise of another
  aspect, then "但是" / "but" and the complaint; positive texts the other way round), **sarcasm** and rhetorical
  questions ("真是太快了呢，才{days}天", "Is this what you call next-day delivery?"), emoji, typos, pinyin /
  English code-switching in Chinese texts, very short texts without an aspect ("差评", "meh") and long ones (extra
  sentences, geometric);
- the opener, context, severity cue (graded by 05's care queue; not every moderate or mild text has one) and closer
  banks.

``compose`` returns the text and the flags it planted (negation, mixed, sarcasm), which ``feedback.render_feedback``
writes into ``_truth/feedback.csv``.
"""

from __future__ import annotations

import numpy as np

TOPICS = ("delivery_delay", "product_quality", "price", "service_attitude", "app_bug", "refund", "praise")

#: Planted rates of the devices (per text of the sentiment named; see ``compose``).
RATES = {"negation": 0.14, "mixed": 0.12, "sarcasm": 0.07, "emoji": 0.18, "typo": 0.05, "code_switch": 0.10,
         "short": 0.04, "extra": 0.4, "neutral_negation": 0.2, "positive_negation": 0.15, "positive_mixed": 0.08}
#: Share of moderate and mild negatives that carry a severity cue (severe ones always do).
SEVERITY_CUE = {"mild": 0.6, "moderate": 0.9, "severe": 1.0}

FAMILY = {"delivery_delay": "speed", "refund": "speed", "product_quality": "quality", "price": "price",
          "service_attitude": "attitude", "app_bug": "app", "praise": "quality"}

ASPECTS: dict[tuple[str, str], list[str]] = {
    ("zh", "delivery_delay"): ["物流", "快递", "配送", "快递员", "包裹", "送货", "发货"],
    ("zh", "refund"): ["退款", "退货", "售后", "退款申请", "退的钱", "退款进度"],
    ("zh", "product_quality"): ["{product}", "咖啡豆", "口感", "味道", "{product}的品质", "豆子", "这批货"],
    ("zh", "price"): ["价格", "{product}的价钱", "运费", "会员价", "优惠力度", "定价"],
    ("zh", "service_attitude"): ["客服", "店员", "门店服务", "在线客服", "店长", "服务态度"],
    ("zh", "app_bug"): ["App", "优惠券", "支付页面", "小程序", "登录", "购物车"],
    ("zh", "praise"): ["{product}", "咖啡", "拿铁", "门店", "这家店", "手冲"],
    ("en", "delivery_delay"): ["the delivery", "the courier", "my parcel", "shipping", "the tracking",
                               "the delivery service"],
    ("en", "refund"): ["my refund", "the return", "the refund request", "the refund process", "my money back"],
    ("en", "product_quality"): ["the {product}", "the beans", "this batch", "the taste", "the coffee",
                                "the quality of the {product}"],
    ("en", "price"): ["the price", "the shipping fee", "member prices", "the price of the {product}",
                      "the pricing"],
    ("en", "service_attitude"): ["customer service", "the staff", "the barista", "support", "the store manager",
                                 "the agent"],
    ("en", "app_bug"): ["the app", "coupons", "the payment page", "login", "the checkout", "the cart"],
    ("en", "praise"): ["the {product}", "the coffee", "the latte", "the store", "this shop", "the pour-over"],
}

#: Facts: what happened, in topic words, without opinion. Slots: {product} {days} {amount} {order}
FACTS: dict[tuple[str, str], list[str]] = {
    ("zh", "delivery_delay"): ["订单{order}下单{days}天了", "快递{days}天才送到", "物流信息{days}天没更新",
                               "包裹一直显示在途中", "说好的次日达，结果{days}天才到", "快递员改了三次送货时间"],
    ("zh", "refund"): ["申请退款{days}天了", "退货的{product}已经寄回去了", "订单{order}的退款申请被拒了",
                       "{amount}元的退款只到账了一半", "售后让我重新提交退款申请"],
    ("zh", "product_quality"): ["收到的{product}包装破了", "打开{product}发现受潮了", "这批咖啡豆和上次不一样",
                                "{product}喝起来有股怪味", "{product}的封口是开的"],
    ("zh", "price"): ["{product}卖{amount}元", "刚买完{product}就降价了", "运费比东西本身还贵",
                      "同样的东西别家便宜不少", "会员价和原价一样"],
    ("zh", "service_attitude"): ["打了三次客服电话", "问了店员两次", "在线客服半天才回复", "店长直接走开了",
                                 "客服让我等通知"],
    ("zh", "app_bug"): ["App一打开就闪退", "付款时页面一直转圈", "订单{order}扣了钱却显示未支付",
                        "优惠券提示系统错误", "更新后登录不上", "购物车里的{product}自动消失"],
    ("zh", "praise"): ["已经回购好几次了", "每天早上都来一杯", "推荐给了同事", "{product}是我的最爱"],
    ("en", "delivery_delay"): ["order {order} took {days} days to arrive",
                               "my parcel was stuck in transit for {days} days",
                               "the tracking has not moved in {days} days",
                               "next-day delivery turned into {days} days", "the courier rescheduled three times"],
    ("en", "refund"): ["I requested a refund {days} days ago", "I sent the {product} back last week",
                       "the refund for order {order} was rejected", "only half of the {amount} CNY refund arrived",
                       "support asked me to file the refund request again"],
    ("en", "product_quality"): ["the {product} arrived with a torn bag", "the seal on the {product} was open",
                                "this batch of beans is not like the last one", "the {product} smelled odd"],
    ("en", "price"): ["I paid {amount} CNY for the {product}", "the {product} went on sale the day after I bought it",
                      "shipping cost more than the {product}", "other shops sell the same {product} for less"],
    ("en", "service_attitude"): ["I called support three times", "I asked the staff twice",
                                 "the chat agent took an hour to answer", "the store manager walked away"],
    ("en", "app_bug"): ["the app crashes on launch", "the payment page keeps spinning",
                        "order {order} was charged but shows unpaid", "coupons fail with a system error",
                        "I can't log in since the update", "the {product} keeps vanishing from the cart"],
    ("en", "praise"): ["I have reordered it many times", "I get one every morning", "I recommended it to my team",
                       "the {product} is my favourite"],
}

# (language, family) -> opinion words: "neg1" .. "neg3" by intensity, "pos", "neu", "not_pos" (a negated positive:
# negative), "not_neg" (a negated negative: neutral or mildly positive).
OPINIONS: dict[tuple[str, str], dict[str, list[str]]] = {
    ("zh", "speed"): {"neg1": ["有点慢", "慢了点", "比预期慢"], "neg2": ["太慢了", "很慢", "拖得太久"],
                      "neg3": ["慢得离谱", "慢到崩溃", "简直是蜗牛速度"], "pos": ["很快", "特别快", "超级快"],
                      "neu": ["还行", "一般", "正常"], "not_pos": ["一点都不快", "根本不快"],
                      "not_neg": ["不算慢", "也不慢", "没有很慢"]},
    ("zh", "quality"): {"neg1": ["一般般", "不太好", "有点失望"], "neg2": ["很差", "质量差", "难喝"],
                        "neg3": ["差到极点", "完全没法喝", "简直是垃圾"], "pos": ["很好", "特别香", "很新鲜", "好喝"],
                        "neu": ["还行", "中规中矩", "和预期差不多"], "not_pos": ["一点都不新鲜", "不好喝", "不香"],
                        "not_neg": ["不算差", "还不错", "没什么问题"]},
    ("zh", "price"): {"neg1": ["有点贵", "偏贵"], "neg2": ["太贵了", "不值"], "neg3": ["贵得离谱", "简直抢钱"],
                      "pos": ["很实惠", "划算", "性价比高"], "neu": ["正常", "和别家差不多"],
                      "not_pos": ["一点都不划算", "不值这个价"], "not_neg": ["不算贵", "也不贵"]},
    ("zh", "attitude"): {"neg1": ["有点冷淡", "不太耐心"], "neg2": ["态度很差", "很敷衍", "爱答不理"],
                         "neg3": ["态度恶劣", "太过分了", "简直无语"], "pos": ["很热情", "很耐心", "特别专业"],
                         "neu": ["还可以", "正常"], "not_pos": ["一点都不耐心", "不专业"],
                         "not_neg": ["还算客气", "不算差"]},
    ("zh", "app"): {"neg1": ["有点卡", "不太好用"], "neg2": ["老是出错", "用不了", "很卡"],
                    "neg3": ["彻底崩了", "完全没法用", "烂透了"], "pos": ["很好用", "很流畅", "很方便"],
                    "neu": ["还行", "能用"], "not_pos": ["一点都不好用", "不流畅"], "not_neg": ["还算能用", "不算卡"]},
    ("en", "speed"): {"neg1": ["a bit slow", "slower than promised"], "neg2": ["really slow", "way too slow"],
                      "neg3": ["unbelievably slow", "painfully slow", "a joke"], "pos": ["fast", "super quick"],
                      "neu": ["okay", "about as expected"], "not_pos": ["not fast at all", "anything but quick"],
                      "not_neg": ["not that slow", "not bad"]},
    ("en", "quality"): {"neg1": ["a bit disappointing", "not great"], "neg2": ["poor", "bad", "stale"],
                        "neg3": ["awful", "undrinkable", "garbage"], "pos": ["great", "delicious", "so fresh"],
                        "neu": ["okay", "fine", "average"], "not_pos": ["not fresh at all", "not good"],
                        "not_neg": ["not bad", "not too bad"]},
    ("en", "price"): {"neg1": ["a bit pricey", "on the high side"], "neg2": ["too expensive", "overpriced"],
                      "neg3": ["a rip-off", "outrageous"], "pos": ["great value", "cheap", "worth it"],
                      "neu": ["normal", "about the same as elsewhere"],
                      "not_pos": ["not worth it at all", "not cheap"],
                      "not_neg": ["not too expensive", "not bad for the price"]},
    ("en", "attitude"): {"neg1": ["a bit cold", "not very patient"], "neg2": ["rude", "dismissive"],
                         "neg3": ["appalling", "insulting"], "pos": ["friendly", "patient", "very helpful"],
                         "neu": ["okay", "polite enough"], "not_pos": ["not helpful at all", "not friendly"],
                         "not_neg": ["not rude", "not bad"]},
    ("en", "app"): {"neg1": ["a bit laggy", "clunky"], "neg2": ["broken", "buggy"], "neg3": ["useless", "a mess"],
                    "pos": ["easy to use", "smooth"], "neu": ["okay", "usable"],
                    "not_pos": ["not usable at all", "not working"], "not_neg": ["not that buggy", "not bad"]},
}

#: Sarcasm and rhetorical questions per family: positive words (or a question) meaning a complaint. {a}: aspect.
SARCASM: dict[tuple[str, str], list[str]] = {
    ("zh", "speed"): ["真是太快了呢，才{days}天", "{a}效率真高啊，{days}天都没动静", "这也叫次日达？",
                      "{a}是骑自行车送的吗？"],
    ("zh", "quality"): ["这{a}真是“新鲜”啊", "好喝到我直接倒掉了", "这就是你们说的精品？"],
    ("zh", "price"): ["{amount}元，真是良心价呢", "这价格是认真的吗？", "谢谢你们帮我省钱哦"],
    ("zh", "attitude"): ["{a}的态度真是太好了，全程爱答不理", "这就是你们的服务？", "{a}真会聊天，一句话都不回"],
    ("zh", "app"): ["{a}真稳定，一天闪退十次", "这么好用的{a}我还是第一次见呢", "你们自己用过这个{a}吗？"],
    ("en", "speed"): ["wow, only {days} days, amazing service", "great, {a} is still 'on the way'",
                      "is this what you call next-day delivery?", "did {a} go by bicycle?"],
    ("en", "quality"): ["lovely, {a} tastes like cardboard", "is this what you call premium?",
                        "thanks for the 'fresh' beans"],
    ("en", "price"): ["{amount} CNY, what a bargain", "is this price a joke?", "thanks for the great 'deal'"],
    ("en", "attitude"): ["{a} was so helpful, they hung up on me", "is this your idea of service?",
                         "love how {a} never answers"],
    ("en", "app"): ["great app, crashes only ten times a day", "did anyone test {a} before release?",
                    "love how {a} logs me out every hour"],
}

SHORT = {("zh", "negative"): ["差评", "太慢了", "垃圾", "失望", "无语"],
         ("zh", "neutral"): ["在吗？", "请回复", "人呢？"], ("zh", "positive"): ["好评", "赞", "不错👍"],
         ("en", "negative"): ["Terrible.", "meh", "Not impressed", "ugh"], ("en", "neutral"): ["hello?", "any update",
                                                                                             "ok"],
         ("en", "positive"): ["Love it", "great", "10/10"]}
EMOJI = {"negative": ["😡", "😤", "🙄", "👎", "😞"], "neutral": ["🤔", "🙂"], "positive": ["👍", "😊", "❤️", "☕"],
         "sarcasm": ["🙃", "🙂", "👏"]}
#: zh aspect -> what code-switching customers write instead (English or pinyin).
CODE_SWITCH = {"快递": "kuaidi", "物流": "delivery", "退款": "refund", "客服": "customer service", "优惠券": "coupon",
               "价格": "price", "包装": "packaging", "店员": "staff", "售后": "after-sales", "配送": "delivery",
               "登录": "login", "口感": "taste", "运费": "shipping fee"}
TYPOS_ZH = {"的": "得", "在": "再", "已经": "以经", "时候": "时后", "那": "哪"}
BUT = {"zh": ["，但是", "，可是", "，不过"], "en": [", but ", ", however ", " though "]}
QUESTIONS = {
    "zh": ["请问{a}怎么查？", "想问一下{a}的情况", "{a}有什么新消息吗？", "能帮我看看{a}吗？"],
    "en": ["how can I check {a}?", "any news on {a}?", "could you look into {a}?", "quick question about {a}"],
}

OPENERS = {
    "zh": ["", "", "", "你好，", "说实话，", "第一次评价，", "老顾客了，", "唉，", "想反馈一下：", "各位，", "亲，"],
    "en": ["", "", "", "Hi, ", "Honestly, ", "Long-time customer here: ", "Quick note: ", "Well, ", "FYI: "],
}
SEVERITY = {
    ("zh", "mild"): ["有点小失望。", "希望下次改进。", "不算大问题，但还是说一下。", "稍微有点不满意。"],
    ("zh", "moderate"): ["真的很失望！", "体验很差。", "这已经不是第一次了。", "请尽快处理。"],
    ("zh", "severe"): ["我要投诉！", "再也不会买了！", "太离谱了，要求赔偿！", "已经向消协反映，气死了！",
                       "取消会员，永不再来！"],
    ("en", "mild"): ["A bit disappointing.", "Hope you can improve.", "Not a big deal, just letting you know.",
                     "Slightly annoyed."],
    ("en", "moderate"): ["Really disappointed!", "Poor experience.", "This is not the first time.",
                         "Please fix this soon."],
    ("en", "severe"): ["I want to file a complaint!", "Never buying here again!",
                       "Unacceptable, I demand compensation!", "Cancelling my membership!", "Absolutely furious!"],
}
CLOSERS = {
    ("zh", "negative"): ["", "", "", "请给个说法。", "麻烦回复一下。", "谢谢。"],
    ("zh", "neutral"): ["", "", "谢谢。", "麻烦了。", "期待回复。"],
    ("zh", "positive"): ["", "", "推荐！", "会继续支持的。", "谢谢！"],
    ("en", "negative"): ["", "", "", "Please respond.", "Waiting for an answer.", "Thanks."],
    ("en", "neutral"): ["", "", "Thanks.", "Cheers.", "Appreciate it."],
    ("en", "positive"): ["", "", "Highly recommend!", "Keep it up!", "Thank you!"],
}
CONTEXT_SHARE = 0.25
CONTEXT = {
    "zh": ["上周末在网上下的单，", "给家里老人买的，", "这是我这个月第三次下单了，", "本来是买来送朋友的，",
           "公司团购的时候一起买的，", "趁着周末买的，", "看了直播才下单的，", "在门店试过之后网上买的，",
           "帮同事一起带的，", "搬家后第一次在你们家买，", "孩子一直吵着要喝，", "朋友推荐我来这家买的，"],
    "en": ["I ordered online last weekend and ", "I bought it for my parents and ",
           "this is my third order this month and ", "it was meant as a gift, and ",
           "we ordered through the office group buy and ", "I bought it last weekend and ",
           "a friend recommended your shop, and ", "first order since I moved, and "],
}


class _Pick:
    """Draws from the texts' random generator."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def __call__(self, bank: list[str]) -> str:
        return bank[int(self.rng.integers(len(bank)))]

    def chance(self, p: float) -> bool:
        return bool(self.rng.random() < p)


def _clause(language: str, aspect: str, opinion: str) -> str:
    """"物流太慢了" / "the delivery was really slow"."""
    if language == "zh":
        return f"{aspect}{opinion}"
    plural = aspect.endswith(("coupons", "prices", "beans"))
    return f"{aspect} {'were' if plural else 'was'} {opinion}"


def _opinion(lang: str, topic: str, kind: str, pick: _Pick, slots: dict[str, str]) -> str:
    aspect = pick(ASPECTS[(lang, topic)]).format(**slots)
    return _clause(lang, aspect, pick(OPINIONS[(lang, FAMILY[topic])][kind]))


def _lower_first(lang: str, text: str) -> str:
    return text if lang == "zh" or not text else text[0].lower() + text[1:]


def _sentence(lang: str, text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    if lang == "en":
        text = text[0].upper() + text[1:]
        return text if text.endswith(("?", "!", ".")) else text + "."
    return text if text.endswith(("？", "！", "。")) else text + "。"


def compose(language: str, topic: str, sentiment: str, severity: str, slots: dict[str, str],
            rng: np.random.Generator) -> tuple[str, dict[str, bool]]:
    """Compose one text about ``topic`` with ``sentiment`` (and ``severity`` for negatives) in ``language``;
    return (text, flags {negation, mixed, sarcasm}). ``rng`` is the texts' own random generator."""
    pick = _Pick(rng)
    lang = language
    flags = {"negation": False, "mixed": False, "sarcasm": False}
    fam = FAMILY[topic]
    others = [t for t in TOPICS if t not in (topic, "praise") and FAMILY[t] != fam]
    if severity != "severe" and pick.chance(RATES["short"]):  # who threatens to complain says so
        return pick(SHORT[(lang, sentiment)]), flags
    parts: list[str] = []
    if sentiment == "negative":
        level = {"mild": "neg1", "moderate": "neg2", "severe": "neg3"}.get(severity, "neg2")
        if pick.chance(0.75):
            parts.append(pick(FACTS[(lang, topic)]).format(**slots))
        if pick.chance(RATES["sarcasm"]):
            flags["sarcasm"] = True
            aspect = pick(ASPECTS[(lang, topic)]).format(**slots)
            core = pick(SARCASM[(lang, fam)]).format(a=aspect, **slots)
            if pick.chance(0.5):
                core += pick(EMOJI["sarcasm"])
        elif pick.chance(RATES["negation"]):
            flags["negation"] = True
            core = _opinion(lang, topic, "not_pos", pick, slots)
        else:
            core = _opinion(lang, topic, level, pick, slots)
        if pick.chance(RATES["mixed"]):
            flags["mixed"] = True
            core = _opinion(lang, pick(others), "pos", pick, slots) + pick(BUT[lang]) + _lower_first(lang, core)
        parts.append(core)
        for _ in range(int(rng.geometric(1 - RATES["extra"])) - 1):
            parts.append(pick(FACTS[(lang, topic)]).format(**slots) if pick.chance(0.5)
                         else _opinion(lang, topic, level, pick, slots))
    elif sentiment == "neutral":
        aspect = pick(ASPECTS[(lang, topic)]).format(**slots)
        if pick.chance(RATES["neutral_negation"]):
            flags["negation"] = True
            parts.append(_clause(lang, aspect, pick(OPINIONS[(lang, fam)]["not_neg"])))
            parts.append(pick(QUESTIONS[lang]).format(a=pick(ASPECTS[(lang, topic)]).format(**slots)))
        elif pick.chance(0.45):
            parts.append(_clause(lang, aspect, pick(OPINIONS[(lang, fam)]["neu"])))
        else:
            if pick.chance(0.5):
                parts.append(pick(FACTS[(lang, topic)]).format(**slots))
            parts.append(pick(QUESTIONS[lang]).format(a=aspect))
    else:
        subject = topic if pick.chance(0.85) else pick([t for t in TOPICS if t != "praise"])
        if pick.chance(RATES["positive_negation"]):
            flags["negation"] = True
            core = _opinion(lang, subject, "not_neg", pick, slots)
        else:
            core = _opinion(lang, subject, "pos", pick, slots)
        if pick.chance(RATES["positive_mixed"]):
            flags["mixed"] = True
            core = _opinion(lang, pick(others), "neg1", pick, slots) + pick(BUT[lang]) + _lower_first(lang, core)
        parts.append(core)
        if pick.chance(0.5):
            parts.append(pick(FACTS[(lang, "praise")]).format(**slots))
    body = [_sentence(lang, p) for p in parts]
    if pick.chance(CONTEXT_SHARE) and not body[0].endswith(("?", "？")):
        body[0] = _sentence(lang, pick(CONTEXT[lang]).format(**slots) + _lower_first(lang, parts[0].strip()))
    opener = pick(OPENERS[lang])
    if opener and lang == "en" and not opener.endswith(": "):
        body[0] = _lower_first(lang, body[0])
    text = opener + (" " if lang == "en" else "").join(body)
    if pick.chance(RATES["typo"]):  # before the severity cue: the care queue's cue words stay whole
        text = _typo(text, lang, pick)
    if sentiment == "negative" and pick.chance(SEVERITY_CUE.get(severity, 1.0)):
        text += (" " if lang == "en" else "") + pick(SEVERITY[(lang, severity)])
    closer = pick(CLOSERS[(lang, sentiment)])
    if closer:
        text += (" " if lang == "en" else "") + closer
    if pick.chance(RATES["emoji"]):
        text += pick(EMOJI["sarcasm" if flags["sarcasm"] else sentiment]) * int(rng.integers(1, 3))
    if lang == "zh" and pick.chance(RATES["code_switch"]):
        hits = [w for w in CODE_SWITCH if w in text]
        if hits:
            w = pick(hits)
            text = text.replace(w, f" {CODE_SWITCH[w]} ", 1).replace("  ", " ").strip()
    return text, flags


def _typo(text: str, lang: str, pick: _Pick) -> str:
    """One typo: a Chinese homophone slip, or two swapped letters in an English word of five or more letters."""
    if lang == "zh":
        hits = [w for w in TYPOS_ZH if w in text]
        return text.replace(hits[0], TYPOS_ZH[hits[0]], 1) if hits else text
    words = text.split(" ")
    long = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not long:
        return text
    i = long[int(pick.rng.integers(len(long)))]
    w = words[i]
    k = int(pick.rng.integers(1, len(w) - 2))
    words[i] = w[:k] + w[k + 1] + w[k] + w[k + 2:]
    return " ".join(words)
