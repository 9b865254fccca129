"""The item catalogue and its latent factors (rank 8) plus popularity.

Item names are composed from small bilingual banks (origin/style x product x pack size); the English name goes to
``items.csv`` and the Chinese one is kept for Chinese feedback texts. Factors cluster by category so tastes make
category preferences, and popularity shifts every person's softmax the same way.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.synthetic.sizes import rng_for

RANK = 8
FACTOR_COLS = [f"f{k}" for k in range(RANK)]

# category -> (share of items, price range CNY, [(english, chinese) product], [(english, chinese) modifier], packs)
_BANK: dict[str, tuple[float, tuple[float, float], list[tuple[str, str]], list[tuple[str, str]], list[str]]] = {
    "coffee": (0.22, (39, 189), [("Coffee Beans", "咖啡豆"), ("Ground Coffee", "咖啡粉"), ("Drip Bags", "挂耳咖啡"),
                                 ("Cold Brew", "冷萃咖啡"), ("Espresso Capsules", "浓缩胶囊")],
               [("Yunnan", "云南"), ("Ethiopia", "埃塞俄比亚"), ("Colombia", "哥伦比亚"), ("House Blend", "招牌拼配"),
                ("Dark Roast", "深烘"), ("Decaf", "低因"), ("Brazil", "巴西")], ["250g", "500g", "10 pcs", "1kg"]),
    "tea": (0.18, (29, 299), [("Green Tea", "绿茶"), ("Oolong", "乌龙茶"), ("Pu-erh", "普洱"), ("Black Tea", "红茶"),
                              ("Jasmine Tea", "茉莉花茶")],
            [("West Lake", "西湖"), ("Anxi", "安溪"), ("Mountain", "高山"), ("Aged", "陈年"), ("Spring", "春季")],
            ["50g", "100g", "250g", "gift tin"]),
    "snacks": (0.2, (9, 59), [("Butter Cookies", "黄油饼干"), ("Mixed Nuts", "混合坚果"),
                               ("Dark Chocolate", "黑巧克力"),
                               ("Biscotti", "意式脆饼"), ("Dried Mango", "芒果干")],
               [("Sea Salt", "海盐"), ("Honey", "蜂蜜"), ("Matcha", "抹茶"), ("Classic", "经典"), ("Almond", "杏仁")],
               ["100g", "200g", "box of 12", "family pack"]),
    "tableware": (0.16, (29, 259), [("Ceramic Mug", "陶瓷马克杯"), ("Tea Set", "茶具套装"), ("Glass Cup", "玻璃杯"),
                                     ("Saucer", "杯碟"), ("Teapot", "茶壶")],
                  [("Celadon", "青瓷"), ("Matte", "哑光"), ("Double-wall", "双层"), ("Handmade", "手工"),
                   ("Nordic", "北欧")], ["single", "pair", "set of 4"]),
    "appliances": (0.12, (199, 2499), [("Espresso Machine", "意式咖啡机"), ("Grinder", "磨豆机"),
                                        ("Electric Kettle", "电热水壶"), ("Milk Frother", "奶泡机"),
                                        ("Pour-over Kit", "手冲套装")],
                   [("Pro", "专业版"), ("Compact", "小型"), ("Smart", "智能"), ("Classic", "经典")],
                   ["", "2025 edition"]),
    "gifts": (0.12, (79, 599), [("Gift Box", "礼盒"), ("Tasting Set", "品鉴套装"), ("Festival Hamper", "节日礼篮"),
                                 ("Gift Card", "礼品卡")],
              [("Mid-Autumn", "中秋"), ("New Year", "新年"), ("Coffee Lover", "咖啡爱好者"), ("Tea Ceremony", "茶道")],
              ["", "deluxe"]),
}
CATEGORIES = tuple(_BANK)
COPURCHASE = {"coffee": "snacks", "tea": "tableware"}
"""Planted co-purchase patterns: after a line of the key category the next line is boosted towards the value."""


def make_items(n_items: int, seed: int) -> pd.DataFrame:
    """Return the catalogue: item_id, name, name_zh, category, price, popularity, f0..f7 (true item factors)."""
    rng = rng_for(seed, "items")
    shares = np.array([b[0] for b in _BANK.values()])
    per_cat = np.maximum(2, np.round(shares / shares.sum() * n_items).astype(int))
    per_cat[0] += n_items - per_cat.sum()
    rows = []
    seen: set[str] = set()
    centroids = rng.normal(0, 1, (len(CATEGORIES), RANK))
    for c, (cat, count) in enumerate(zip(CATEGORIES, per_cat, strict=True)):
        _share, (lo, hi), products, mods, packs = _BANK[cat]
        for _ in range(int(count)):
            for _attempt in range(50):
                (p_en, p_zh), (m_en, m_zh) = products[rng.integers(len(products))], mods[rng.integers(len(mods))]
                pack = packs[rng.integers(len(packs))]
                name = " ".join(x for x in ("Lakeside", m_en, p_en, pack) if x)
                if name not in seen:
                    break
            else:
                name = f"{name} #{len(rows)}"
            seen.add(name)
            price = float(np.exp(rng.uniform(np.log(lo), np.log(hi))))
            price = round(max(1.0, np.floor(price)) + 0.9 * (rng.random() < 0.6), 2)
            factors = 0.8 * centroids[c] + 0.6 * rng.normal(0, 1, RANK)
            rows.append({"name": name, "name_zh": f"{m_zh}{p_zh}" + (f" {pack}" if pack and pack[0].isdigit() else ""),
                         "category": cat, "price": price, "popularity": float(rng.normal(-0.6 if cat == "appliances"
                                                                                        else 0.0, 0.8)),
                         **dict(zip(FACTOR_COLS, factors.tolist(), strict=True))})
    items = pd.DataFrame(rows)
    items.insert(0, "item_id", [f"I{k + 1:04d}" for k in range(len(items))])
    return items


def make_tastes(n_persons: int, seed: int) -> np.ndarray:
    """Return the true taste vectors (persons x ``RANK``)."""
    return rng_for(seed, "tastes").normal(0, 0.7, (n_persons, RANK))


def premium_score(items: pd.DataFrame) -> np.ndarray:
    """Per-item z-score of log price within its category (how premium the item is among its peers)."""
    logp = np.log(items["price"].to_numpy(float))
    g = pd.Series(logp).groupby(items["category"].to_numpy())
    sd = g.transform("std").fillna(1.0).replace(0.0, 1.0).to_numpy()
    return (logp - g.transform("mean").to_numpy()) / sd


def preference_cdf(tastes: np.ndarray, items: pd.DataFrame, premium: np.ndarray | None = None) -> np.ndarray:
    """Row-wise cumulative purchase probabilities: softmax over taste . factors + popularity (float64), plus
    ``premium[row] * premium_score(item)`` when ``premium`` (one weight per row) is given."""
    factors = items[FACTOR_COLS].to_numpy(np.float32)
    scores = tastes.astype(np.float32) @ factors.T / np.float32(np.sqrt(RANK) / 2)
    scores += items["popularity"].to_numpy(np.float32)
    if premium is not None:
        scores += premium.astype(np.float32)[:, None] * premium_score(items).astype(np.float32)[None, :]
    scores -= scores.max(axis=1, keepdims=True)
    np.exp(scores, out=scores)
    cdf = np.cumsum(scores, axis=1, dtype=np.float64)
    cdf /= cdf[:, -1:]
    return cdf
