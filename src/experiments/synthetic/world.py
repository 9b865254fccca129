"""Assemble one company world in causal order: persons -> records -> pre-reference orders -> feedback -> churn
-> post-reference orders (churned persons buy nothing, retained ones at least once) -> guests, anomalies, ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from experiments.synthetic import ads, campaign, churn, needs, purchases, service
from experiments.synthetic.behaviour import REF_DAY, draw_orders, expected_orders, make_behaviour
from experiments.synthetic.feedback import FEEDBACK_FLAGS, plan_feedback, render_feedback
from experiments.synthetic.population import assign_records, make_persons
from experiments.synthetic.products import FACTOR_COLS, make_items, make_tastes, preference_cdf
from experiments.synthetic.purchases import COMPLETED, POS, SALE, SHOP, ItemSampler, make_lines, make_orders
from experiments.synthetic.raw_orders import order_ids, pos_table, shop_table
from experiments.synthetic.records import build_raw
from experiments.synthetic.sizes import AS_OF, END, LABEL_DAYS, Size, day_of, rng_for

END_DAY = day_of(END)
PRE_END = REF_DAY - 1
"""Last day of pre-reference orders (a one-day gap keeps every time zone on the right side of the reference)."""
WINDOW_LO, WINDOW_HI = REF_DAY + 2, REF_DAY + LABEL_DAYS - 3
"""Days within which a retained person's guaranteed purchase falls (inside the label window in UTC and local)."""
LINES_PER_ORDER = 1.6
GUEST_SHARE = 0.1


@dataclass(frozen=True)
class Block:
    """One block of persons of a world generated in blocks (``Size.blocks`` > 1).

    ``seed`` drives every per-person stream of the block; ``items_seed`` is the world's (every block sells the same
    items); ``first`` holds the first number of each id kind (``H`` persons, ``crm``/``shop``/``wechat``/``pos``
    records, ``S``/``T`` orders, ``F`` feedback, ``CM`` campaign sends) and ``taken`` the emails and phone numbers
    of the blocks before (updated in place). The ad events and the service log are drawn once for the whole world.
    """

    seed: int
    items_seed: int
    first: dict[str, int]
    taken: dict[str, set]


@dataclass
class World:
    """Everything generated: raw tables by file name and truth tables by file name, plus anomaly counts."""

    raw: dict[str, pd.DataFrame] = field(default_factory=dict)
    truth: dict[str, pd.DataFrame] = field(default_factory=dict)
    experiments: dict = field(default_factory=dict)
    service: dict = field(default_factory=dict)
    counts: dict = field(default_factory=dict)
    parts: dict = field(default_factory=dict)
    """A block's inputs to the world-level tables: its records, persons' languages, shop members."""


def _force_purchase(o: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    shop = o["channel"].to_numpy() == SHOP
    o["status"] = np.where(shop, COMPLETED, SALE)
    o["delivery_days"] = np.where(shop, 1 + rng.poisson(1.5, len(o)), -1)
    return o


def build_world(size: Size, seed: int, block: Block | None = None) -> World:
    """Generate the whole world for ``size`` and ``seed`` (pure: no files written), or one ``block`` of it (then
    without the ad events and the service log, which ``synthetic.blocks`` draws once for the world)."""
    w = World()
    items_seed, first = (seed, {}) if block is None else (block.items_seed, block.first)
    seed = seed if block is None else block.seed
    persons = make_persons(size.persons, seed, first.get("H", 1), None if block is None else block.taken)
    records = assign_records(persons, seed, first)
    customers, w.counts["customers"] = build_raw(persons, records, seed)
    items = make_items(size.items, items_seed)
    tastes = make_tastes(size.persons, seed)
    rng = rng_for(seed, "orders")
    beh = make_behaviour(persons, records, rng)
    need_type = needs.plant_needs(beh, seed)
    reg_day = records["reg_day"].to_numpy()
    store_city = np.where(persons["language"].to_numpy() == "en", "上海", persons["city"].to_numpy()).astype(object)
    buyers = np.flatnonzero(beh.rate > 0)
    buyer_row = np.full(len(persons), -1, dtype=np.int64)
    buyer_row[buyers] = np.arange(len(buyers))
    cdf = preference_cdf(tastes[buyers], items, needs.premium_weight(need_type[buyers]))
    spend = np.full(len(persons), np.nan)
    spend[buyers] = needs.spend_level(cdf, items["price"].to_numpy(float))
    sampler = ItemSampler(cdf, items, rng)
    price = items["price"].to_numpy()

    start = beh.start_day[buyers]
    expected = expected_orders(beh, np.zeros(len(persons)), np.full(len(persons), END_DAY))[buyers]
    expected *= np.clip((END_DAY + 1 - start) / (END_DAY + 1), 0, 1)
    scale = size.order_lines * (1 - GUEST_SHARE) / LINES_PER_ORDER / max(expected.sum(), 1e-9) * 1.08

    def orders_for(who: np.ndarray, lo: np.ndarray, hi: int, key0: int, kind: str) -> tuple[pd.DataFrame, ...]:
        ok = lo <= hi
        p, d = draw_orders(beh, who[ok], lo[ok], np.full(int(ok.sum()), hi), scale, rng)
        o = make_orders(p, d, beh, reg_day, store_city, rng, key0, kind)
        return o, make_lines(o, sampler, buyer_row, items, beh.price_sensitivity, rng)

    pre_o, pre_l = orders_for(buyers, start, PRE_END, 0, "pre")
    ret_o, ret_l = purchases.pos_returns(pre_o, pre_l, END_DAY, 0.03, rng, len(pre_o))
    o_all, l_all = pd.concat([pre_o, ret_o], ignore_index=True), pd.concat([pre_l, ret_l], ignore_index=True)

    first_item = pd.Series(l_all["item"].to_numpy(), index=l_all["key"].to_numpy())
    first_item = first_item[~first_item.index.duplicated()]
    fb_rng = rng_for(seed, "feedback")
    n_pre = round(size.feedback_rows * REF_DAY / (END_DAY + 1))
    fb_pre = plan_feedback(n_pre, 0, REF_DAY - 1, o_all, first_item, persons, records, fb_rng)
    drivers = churn.churn_drivers(o_all, l_all, price, fb_pre)
    camp_raw, camp_truth = campaign.make_campaign(o_all, l_all, price, fb_pre, records, beh.shop_rec, beh.pos_rec,
                                                  persons["person_id"].to_numpy(), seed, first.get("CM", 1))
    truth_churn = churn.draw_churn(drivers, rng_for(seed, "churn"))
    churned = truth_churn.index.to_numpy()[truth_churn["churned"].to_numpy() == 1]
    retained = truth_churn.index.to_numpy()[truth_churn["churned"].to_numpy() == 0]

    active = buyers[~np.isin(buyers, churned)]
    key = int(o_all["key"].max()) + 1
    post_o, post_l = orders_for(active, np.maximum(beh.start_day[active], WINDOW_LO), END_DAY, key, "post")
    in_window = (post_o["day"] >= WINDOW_LO) & (post_o["day"] <= WINDOW_HI) & purchases.purchase_mask(post_o)
    need = np.setdiff1d(retained, post_o.loc[in_window, "person"].to_numpy())
    key += len(post_o)
    f_o = make_orders(need, rng.integers(WINDOW_LO, WINDOW_HI + 1, len(need)), beh, reg_day, store_city, rng, key,
                      "forced")
    f_o = _force_purchase(f_o, rng)
    f_l = make_lines(f_o, sampler, buyer_row, items, beh.price_sensitivity, rng)
    key += len(f_o)
    n_guest = round(size.order_lines * GUEST_SHARE / LINES_PER_ORDER)
    g_o = make_orders(np.full(n_guest, -1), rng.integers(0, END_DAY + 1, n_guest), beh, reg_day, store_city, rng,
                      key, "guest")
    g_l = make_lines(g_o, sampler, buyer_row, items, beh.price_sensitivity, rng)
    key += len(g_o)
    n_future = max(2, size.order_lines // 3000)
    fut_p = buyers[rng.integers(0, len(buyers), n_future)]
    fu_o = _force_purchase(make_orders(fut_p, day_of(AS_OF) + 2 + rng.integers(0, 150, n_future), beh, reg_day,
                                       store_city, rng, key, "future"), rng)
    fu_l = make_lines(fu_o, sampler, buyer_row, items, beh.price_sensitivity, rng)
    key += len(fu_o)
    post_all = pd.concat([post_o, f_o], ignore_index=True)
    post_lines = pd.concat([post_l, f_l], ignore_index=True)
    r2_o, r2_l = purchases.pos_returns(post_all, post_lines, END_DAY, 0.03, rng, key)
    o_all = pd.concat([o_all, post_all, r2_o, g_o, fu_o], ignore_index=True)
    l_all = pd.concat([l_all, post_lines, r2_l, g_l, fu_l], ignore_index=True)
    l_all, bad_price = _bad_prices(o_all, l_all, size, rng)

    first_item = pd.Series(l_all["item"].to_numpy(), index=l_all["key"].to_numpy())
    first_item = first_item[~first_item.index.duplicated()]
    fb_post = plan_feedback(size.feedback_rows - n_pre, REF_DAY, END_DAY, o_all, first_item, persons, records, fb_rng)
    ids = order_ids(o_all, first, None if block is None else 8)
    amount = (l_all["qty"] * l_all["unit_price"]).groupby(l_all["key"]).sum().round(2)
    fb_raw, fb_truth = render_feedback(pd.concat([fb_pre, fb_post], ignore_index=True), ids, amount, items, records,
                                       seed, rng_for(seed, "feedback_text"), first.get("F", 1))

    dup_rng = rng_for(seed, "duplicates")
    w.raw["shop_orders.csv"], w.counts["shop_duplicate_lines"] = shop_table(o_all, l_all, ids, records, items,
                                                                            dup_rng)
    w.raw["pos_transactions.csv"], w.counts["pos_duplicate_lines"] = pos_table(o_all, l_all, ids, records, items,
                                                                               dup_rng)
    w.raw["items.csv"] = items[["item_id", "name", "category", "price"]]
    w.raw["crm_customers.csv"] = customers["crm"]
    w.raw["shop_customers.jsonl"] = customers["shop"]
    w.raw["wechat_members.csv"] = customers["wechat"]
    w.raw["pos_members.xlsx"] = customers["pos"]
    w.raw["feedback.jsonl"] = fb_raw
    shop = np.flatnonzero(beh.shop_rec >= 0)  # issue 21: logged-in units cite their shop account (own stream)
    if block is None:
        w.raw["ad_events.csv"], w.experiments = ads.make_ad_events(size.exp_units, seed)
        w.raw["ad_events.csv"], w.truth["ad_members.csv"] = ads.link_members(
            w.raw["ad_events.csv"], records["record_id"].to_numpy()[beh.shop_rec[shop]],
            persons["person_id"].to_numpy()[shop], seed)
        w.raw["service_log.csv"], w.service = service.make_service_log(size, seed, records, persons)
    else:
        w.parts = {"records": records[["source", "record_id", "person", "reg_day"]],
                   "language": persons["language"].to_numpy(),
                   "shop_refs": records["record_id"].to_numpy()[beh.shop_rec[shop]],
                   "shop_persons": persons["person_id"].to_numpy()[shop]}
    w.raw["campaigns.csv"] = camp_raw
    w.truth["campaign.csv"] = camp_truth
    w.counts["planted_bad_price_lines"] = bad_price
    w.counts["forced_retention_orders"] = len(f_o)

    pid = persons["person_id"].to_numpy()
    w.truth["person_records.csv"] = pd.DataFrame({
        "source": records["source"], "record_id": records["record_id"],
        "person_id": pid[records["person"].to_numpy()]}).sort_values(["source", "record_id"], ignore_index=True)
    w.truth["persons.csv"] = persons[["person_id", "name", "phone_e164", "email", "city", "gender", "birth_date",
                                      "signup_date", "language"]]
    w.truth["segments.csv"] = needs.truth_table(pid, beh, need_type, scale, spend, END_DAY)
    tc = truth_churn.reset_index()
    tc.insert(0, "person_id", pid[tc.pop("person").to_numpy()])
    first = ["person_id", "churn_probability", "churned"]
    w.truth["churn.csv"] = tc[first + [c for c in tc.columns if c not in first]]
    w.truth["tastes.parquet"] = pd.DataFrame(tastes.round(6), columns=FACTOR_COLS).assign(person_id=pid)[
        ["person_id", *FACTOR_COLS]]
    w.truth["item_factors.parquet"] = items[["item_id", "name_zh", "category", "popularity", *FACTOR_COLS]].round(6)
    w.truth["feedback.csv"] = pd.DataFrame({
        "feedback_id": fb_truth["feedback_id"],
        "person_id": np.where(fb_truth["person"] >= 0, pid[np.maximum(fb_truth["person"].to_numpy(), 0)], ""),
        "language": fb_truth["language"], "topic": fb_truth["topic"], "sentiment": fb_truth["sentiment"],
        "severity": fb_truth["severity"], **{c: fb_truth[c] for c in FEEDBACK_FLAGS}})
    return w


def _bad_prices(o: pd.DataFrame, lines: pd.DataFrame, size: Size, rng: np.random.Generator) -> tuple[pd.DataFrame,
                                                                                                       dict]:
    """Set a few guest purchase lines to a zero or negative unit price (guest lines never feed the churn truth)."""
    kind = o.set_index("key").loc[lines["key"].to_numpy(), ["kind", "status"]]
    ok = (kind["kind"].to_numpy() == "guest") & (kind["status"].to_numpy() == 0) & (lines["qty"].to_numpy() > 0)
    n_bad = min(int(ok.sum()), max(4, size.order_lines // 2000))
    pick = rng.choice(np.flatnonzero(ok), n_bad, replace=False)
    zero, neg = pick[: n_bad // 2], pick[n_bad // 2:]
    price = lines["unit_price"].to_numpy().copy()
    price[zero] = 0.0
    price[neg] = -np.abs(price[neg])
    lines = lines.assign(unit_price=price)
    return lines, {"zero": int(len(zero)), "negative": int(len(neg))}


__all__ = ["Block", "World", "build_world", "POS", "SHOP"]
