"""Phrase banks that compose varied Chinese and English feedback texts.

A text = opener + optional context (who, when, why they bought) + core phrase (per topic and sentiment) + severity
phrase (negatives) + closer, with slots filled by product names, days, amounts and order ids. Every part has several
alternatives, so even a few hundred rows rarely repeat a text. The context phrases are what a customer adds around
the point ("bought it as a gift", "third order this month"); they name no topic and carry no sentiment, so the
planted topic, sentiment and severity stay those of the core and severity phrases.
"""

from __future__ import annotations

import numpy as np

TOPICS = ("delivery_delay", "product_quality", "price", "service_attitude", "app_bug", "refund", "praise")

# (language, topic, sentiment) -> core phrases. Slots: {product} {days} {amount} {order}
CORE: dict[tuple[str, str, str], list[str]] = {
    ("zh", "delivery_delay", "negative"): [
        "订单{order}下单{days}天了还没送到", "买的{product}等了整整{days}天才到", "物流太慢了，{days}天才收到{product}",
        "快递一直显示在途中，已经{days}天了", "说好的次日达，结果拖了{days}天",
        "{product}的配送延误了{days}天，也没人通知"],
    ("zh", "delivery_delay", "neutral"): [
        "想问一下订单{order}什么时候能发货", "{product}显示已发货，请问大概几天到", "配送比预计晚了一点，{days}天到的"],
    ("zh", "product_quality", "negative"): [
        "收到的{product}有破损", "{product}的味道和描述完全不一样", "这次的{product}质量明显不如以前",
        "{product}用了两次就坏了", "打开{product}发现已经受潮", "{product}的包装漏了，里面洒了一半"],
    ("zh", "product_quality", "neutral"): [
        "{product}还行，和预期差不多", "{product}口感一般，中规中矩", "请问{product}的保质期是多久"],
    ("zh", "price", "negative"): [
        "{product}卖{amount}元太贵了", "刚买完{product}就降价了，差了不少钱", "同样的{product}别家便宜很多",
        "会员价居然比平时还高，{amount}元不值", "运费比{product}本身还贵"],
    ("zh", "price", "neutral"): [
        "请问{product}最近有优惠活动吗", "{product}{amount}元，想问下会员有没有折扣", "什么时候有满减活动"],
    ("zh", "service_attitude", "negative"): [
        "客服回复很敷衍", "门店店员态度很差，问了两次都不理人", "在线客服半天不回复", "客服直接挂了我的电话",
        "问{product}的问题，客服答非所问"],
    ("zh", "service_attitude", "neutral"): ["客服回复有点慢，不过问题解决了", "店员解释得还算清楚"],
    ("zh", "app_bug", "negative"): [
        "App一打开就闪退", "付款页面一直转圈，订单{order}扣了钱却显示未支付", "优惠券用不了，提示系统错误",
        "更新后登录不上了", "购物车里的{product}总是自动消失", "App里的订单状态一直不更新"],
    ("zh", "app_bug", "neutral"): ["App有时候有点卡", "希望App能加个夜间模式", "搜索{product}的时候结果不太准"],
    ("zh", "refund", "negative"): [
        "申请退款{days}天了还没到账", "退货的{product}已经寄回，退款{amount}元迟迟不处理",
        "订单{order}退款被拒绝，理由不清楚",
        "退款流程太复杂了", "说好的{amount}元退款只退了一半"],
    ("zh", "refund", "neutral"): ["请问订单{order}的退款进度怎么查", "退款已经收到了，就是慢了点"],
    ("zh", "praise", "positive"): [
        "{product}非常好喝，已经回购好几次了", "物流很快，{product}包装也很用心", "店员很热情，推荐的{product}很合适",
        "客服耐心解答，点赞", "{product}性价比很高", "这家的{product}是我喝过最好的",
        "会员活动很划算，{amount}元买到很多"],
}
CORE.update({
    ("en", "delivery_delay", "negative"): [
        "order {order} took {days} days to arrive", "my {product} was stuck in transit for {days} days",
        "delivery was {days} days late and nobody told me", "still waiting for my {product} after {days} days",
        "the courier kept rescheduling, {days} days in total", "next-day delivery turned into {days} days"],
    ("en", "delivery_delay", "neutral"): [
        "when will order {order} ship?", "my {product} arrived a bit later than expected ({days} days)",
        "could you share the tracking number for {order}?"],
    ("en", "product_quality", "negative"): [
        "the {product} arrived damaged", "the {product} tastes nothing like the description",
        "quality of the {product} has dropped a lot", "my {product} stopped working after a week",
        "the {product} was stale when I opened it", "the seal on the {product} was broken"],
    ("en", "product_quality", "neutral"): [
        "the {product} is okay, nothing special", "what is the shelf life of the {product}?",
        "the {product} is fine but the packaging could be better"],
    ("en", "price", "negative"): [
        "{amount} CNY for the {product} is way too expensive", "the {product} went on sale the day after I bought it",
        "other shops sell the same {product} for much less", "shipping cost more than the {product} itself",
        "member prices are no better than regular ones"],
    ("en", "price", "neutral"): [
        "is there a discount on the {product} this month?", "do members get a better price than {amount} CNY?",
        "when is the next sale?"],
    ("en", "service_attitude", "negative"): [
        "customer service was rude", "the store staff ignored me twice", "support took hours to reply",
        "the agent hung up on me", "I asked about the {product} and got a copy-paste answer"],
    ("en", "service_attitude", "neutral"): [
        "support was slow but solved my problem", "the staff explained the options clearly enough"],
    ("en", "app_bug", "negative"): [
        "the app crashes on launch", "payment for order {order} went through but the app says unpaid",
        "coupons fail with a system error", "can't log in since the last update",
        "the {product} keeps disappearing from my cart", "order status never refreshes in the app"],
    ("en", "app_bug", "neutral"): [
        "the app is a little slow sometimes", "please add a dark mode", "search results for {product} are odd"],
    ("en", "refund", "negative"): [
        "my refund has been pending for {days} days", "I sent the {product} back and still no refund of {amount} CNY",
        "refund for order {order} was rejected without a reason", "the refund process is a nightmare",
        "only half of the {amount} CNY refund arrived"],
    ("en", "refund", "neutral"): [
        "how can I check the refund status of {order}?", "refund received, it just took a while"],
    ("en", "praise", "positive"): [
        "love the {product}, already ordered it again", "fast delivery and the {product} was beautifully packed",
        "the staff recommended the {product} and it was perfect", "support was patient and helpful",
        "great value for the {product}", "best {product} I have had", "the member deal was worth every yuan"],
})

OPENERS = {
    "zh": ["", "", "你好，", "说实话，", "第一次评价，", "老顾客了，", "唉，", "想反馈一下：", "各位，", "亲，"],
    "en": ["", "", "Hi, ", "Honestly, ", "Long-time customer here: ", "Quick note: ", "Well, ", "FYI: ",
           "Hello team, "],
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
                       "Unacceptable, I demand compensation!",
                       "Cancelling my membership!", "Absolutely furious!"],
}
CLOSERS = {
    ("zh", "negative"): ["", "", "请给个说法。", "麻烦回复一下。", "谢谢。"],
    ("zh", "neutral"): ["", "谢谢。", "麻烦了。", "期待回复。"],
    ("zh", "positive"): ["", "推荐！", "五星好评！", "会继续支持的。", "谢谢！"],
    ("en", "negative"): ["", "", "Please respond.", "Waiting for an answer.", "Thanks."],
    ("en", "neutral"): ["", "Thanks.", "Cheers.", "Appreciate it."],
    ("en", "positive"): ["", "Highly recommend!", "Five stars!", "Keep it up!", "Thank you!"],
}

CONTEXT_SHARE = 0.3  # share of texts with a context phrase
# Topic- and sentiment-free context a customer puts before the point. Slots: {product} {days}
CONTEXT = {
    "zh": ["上周末在App上下的单，", "给家里老人买的{product}，", "这是我这个月第三次下单了，", "本来是买来送朋友的，",
           "公司团购的时候一起买的，", "趁着会员日买的，", "看了直播才下单的，", "在门店试过之后网上买的，",
           "帮同事一起带的{product}，", "搬家后第一次在你们家买，", "孩子一直吵着要喝，", "双十一前后买的，",
           "朋友推荐我来这家买的，", "早上出门前下的单，"],
    "en": ["I ordered on the app last weekend and ", "I bought the {product} for my parents and ",
           "this is my third order this month and ", "it was meant as a gift, and ",
           "we ordered through the office group buy and ", "I bought it on member day and ",
           "a friend recommended your shop, and ", "I tried it in the store first, then ordered online, and ",
           "I picked up the {product} for a colleague and ", "first order since I moved, and "],
}


def compose(language: str, topic: str, sentiment: str, severity: str, slots: dict[str, str],
            r: np.ndarray) -> str:
    """Compose one text from the banks; ``r`` holds 6 uniforms choosing the parts (``r[5]`` the context phrase)."""
    core_bank = CORE.get((language, topic, sentiment)) or CORE[(language, topic, "negative")]

    def pick(bank: list[str], u: float) -> str:
        return bank[min(int(u * len(bank)), len(bank) - 1)]

    core = pick(core_bank, r[0]).format(**slots)
    opener = pick(OPENERS[language], r[1])
    end = "。" if language == "zh" else "."
    if language == "zh" and (core.endswith("吗") or core.startswith(("请问", "想问", "什么时候"))):
        core += "？"
    context = pick(CONTEXT[language], r[5] / CONTEXT_SHARE).format(**slots) if r[5] < CONTEXT_SHARE else ""
    if context and core.endswith(("?", "？")):  # a question stands on its own
        context = context[:-1] + "。" if language == "zh" else ""
    body = context + core
    if language == "en" and not opener:
        body = body[0].upper() + body[1:]
    text = opener + body + ("" if core.endswith(("?", "？")) else end)
    if sentiment == "negative":
        text += (" " if language == "en" else "") + pick(SEVERITY[(language, severity)], r[2])
    closer = pick(CLOSERS[(language, sentiment)], r[3])
    if closer:
        text += (" " if language == "en" else "") + closer
    return text
