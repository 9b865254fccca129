"""Raw customer tables: each record is its person's clean values passed through source-specific noise.

Noise planted (and counted in the manifest): name typos (a dropped or swapped character), phones in mixed formats,
emails in mixed case or with surrounding spaces, missing fields, mixed date formats, epoch-millisecond timestamps,
Excel serial dates, and a few impossible values (future birth dates, birth years after ``AS_OF``, registrations
after ``AS_OF``).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from experiments.synthetic.sizes import AS_OF, START, rng_for

_EXCEL_EPOCH = date(1899, 12, 30)
_UNIX = datetime(1970, 1, 1)


def _pick(rng: np.random.Generator, n: int, rate: float, at_least: int = 1) -> np.ndarray:
    """Boolean mask with about ``rate * n`` (and at least ``min(at_least, n)``) true values."""
    mask = rng.random(n) < rate
    short = min(at_least, n) - int(mask.sum())
    if short > 0:
        mask[rng.choice(np.flatnonzero(~mask), short, replace=False)] = True
    return mask


def _typo(name: str, r: float) -> str:
    """Drop or swap one character (names keep their script)."""
    chars = list(name)
    if len(chars) < 2:
        return name
    pos = int(r * 1000) % (len(chars) - 1)
    if len(chars) >= 3 and r < 0.5:
        if chars[pos] == " " or (pos + 1 < len(chars) and chars[pos + 1] == " "):
            pos = 0 if chars[0] != " " else len(chars) - 1
        del chars[pos if pos else 1]
    else:
        if " " in chars[pos:pos + 2]:
            pos = 0
        chars[pos], chars[pos + 1] = chars[pos + 1], chars[pos]
    return "".join(chars)


def _phone(e164: str, intl: str, national: str, lang: str, style: int) -> str:
    if lang == "zh":
        digits = national.replace(" ", "")
        options = ("+86 " + national.replace(" ", "-"), digits, national, "0086 " + digits, e164)
    else:
        digits = e164[2:]
        options = ("+1 " + national, intl, e164, f"001 {digits[:3]} {digits[3:6]} {digits[6:]}", "+1 " + national)
    return options[style % len(options)]


def _email(email: str, r: float) -> str:
    if r < 0.12:
        return email.upper()
    if r < 0.25:
        return email[0].upper() + email[1:]
    if r < 0.35:
        return f"  {email} "
    if r < 0.40:
        return f" {email.title()}"
    return email


def _date_text(d: date, style: int) -> str:
    return (f"{d:%Y-%m-%d}", f"{d:%d/%m/%Y}", f"{d.year}/{d.month}/{d.day}", f"{d:%Y%m%d}")[style % 4]


def build_raw(persons: pd.DataFrame, records: pd.DataFrame, seed: int) -> tuple[dict[str, pd.DataFrame], dict]:
    """Return the four raw customer tables (file column names, spec order) and the planted-noise counts."""
    rng = rng_for(seed, "raw-records")
    p = persons.iloc[records["person"].to_numpy()].reset_index(drop=True)
    n = len(records)
    u = rng.random((n, 8))
    styles = rng.integers(0, 1000, (n, 4))
    secs = rng.integers(8 * 3600, 23 * 3600, n)
    typo = _pick(rng, n, 0.1)
    names = [(_typo(nm, r) if t else nm) for nm, r, t in zip(p["name"], u[:, 0], typo, strict=True)]
    lang = p["language"].tolist()
    phones = [_phone(a, b, c, lg, int(s)) for a, b, c, lg, s in
              zip(p["phone_e164"], p["phone_intl"], p["phone_national"], lang, styles[:, 0], strict=True)]
    emails = [_email(e, r) for e, r in zip(p["email"], u[:, 1], strict=True)]
    reg = [datetime.combine(START + timedelta(days=int(d)), datetime.min.time()) + timedelta(seconds=int(s))
           for d, s in zip(records["reg_day"], secs, strict=True)]
    counts: dict[str, int] = {"name_typos": int(typo.sum())}
    src = records["source"].to_numpy()
    out: dict[str, pd.DataFrame] = {}

    def sel(values: list, mask: np.ndarray) -> list:
        return [v for v, m in zip(values, mask, strict=True) if m]

    missing_phone = _pick(rng, n, 0.05)
    missing_email = _pick(rng, n, 0.12)
    missing_city = _pick(rng, n, 0.04)
    phones = [None if m else v for v, m in zip(phones, missing_phone, strict=True)]
    emails = [None if m else v for v, m in zip(emails, missing_email, strict=True)]
    cities = [None if m else v for v, m in zip(p["city"], missing_city, strict=True)]

    # CRM ---------------------------------------------------------------------------------------------------
    m = src == "crm"
    k = int(m.sum())
    births = sel(list(p["birth_date"]), m)
    future_birth = _pick(rng, k, 0.005)
    births = [AS_OF + timedelta(days=int(rng.integers(10, 3000))) if f else b for b, f in zip(births, future_birth,
                                                                                              strict=True)]
    no_birth = rng.random(k) < 0.15
    bstyle = sel(list(styles[:, 1]), m)
    birth_txt = [None if nb else _date_text(b, int(s)) for b, s, nb in zip(births, bstyle, no_birth, strict=True)]
    regs = sel(reg, m)
    late_reg = _pick(rng, k, 0.005)
    regs = [AS_OF_DT + timedelta(days=int(rng.integers(5, 400))) if f else r for r, f in zip(regs, late_reg,
                                                                                             strict=True)]
    rstyle = sel(list(styles[:, 2]), m)
    with_time = rng.random(k) < 0.35
    reg_txt = [_date_text(r.date(), int(s)) + (f" {r:%H:%M:%S}" if t else "") for r, s, t in
               zip(regs, rstyle, with_time, strict=True)]
    gender = np.where(rng.random(k) < 0.1, "", p["gender"].to_numpy()[m])
    out["crm"] = pd.DataFrame({
        "crm_id": records["record_id"].to_numpy()[m],
        "name": [None if r < 0.01 else v for v, r in zip(sel(names, m), u[m, 2], strict=True)],
        "phone": sel(phones, m), "email": sel(emails, m), "city": sel(cities, m), "gender": gender,
        "birth_date": birth_txt, "registered_at": reg_txt})
    counts.update(crm_future_birth_dates=int(future_birth.sum()), crm_registered_after_as_of=int(late_reg.sum()))

    # Shop ----------------------------------------------------------------------------------------------------
    m = src == "shop"
    k = int(m.sum())
    epoch = _pick(rng, k, 0.15)
    created = [int((r - timedelta(hours=8) - _UNIX).total_seconds() * 1000) if e else f"{r:%Y-%m-%dT%H:%M:%S}+08:00"
               for r, e in zip(sel(reg, m), epoch, strict=True)]
    out["shop"] = pd.DataFrame({
        "user_id": records["record_id"].to_numpy()[m], "name": sel(names, m), "mobile": sel(phones, m),
        "email": [e if e is not None or r < 0.3 else p["email"].iat[i]
                  for i, e, r in zip(np.flatnonzero(m), sel(emails, m), u[m, 3], strict=True)],
        "city": sel(cities, m), "address": [None if r < 0.05 else a for a, r in
                                            zip(p["address"].to_numpy()[m], u[m, 4], strict=True)],
        "created_at": created})
    counts["shop_epoch_ms_created_at"] = int(epoch.sum())

    # WeChat (GBK, Chinese headers) --------------------------------------------------------------------------------
    m = src == "wechat"
    k = int(m.sum())
    wstyle = rng.random(k) < 0.5
    out["wechat"] = pd.DataFrame({
        "会员编号": records["record_id"].to_numpy()[m], "姓名": sel(names, m), "手机": sel(phones, m),
        "城市": sel(cities, m),
        "性别": np.where(rng.random(k) < 0.12, "", np.where(p["gender"].to_numpy()[m] == "F", "女", "男")),
        "注册时间": [f"{r.year}年{r.month}月{r.day}日" if w else f"{r:%Y-%m-%d %H:%M}"
                 for r, w in zip(sel(reg, m), wstyle, strict=True)]})

    # POS (Excel) ------------------------------------------------------------------------------------------------
    m = src == "pos"
    k = int(m.sum())
    serial = _pick(rng, k, 0.1)
    join = [(r.date() - _EXCEL_EPOCH).days if s else r.date() for r, s in zip(sel(reg, m), serial, strict=True)]
    byear = np.array([b.year for b in p["birth_date"].to_numpy()[m]], dtype=object)
    bad_year = _pick(rng, k, 0.005)
    byear[bad_year] = AS_OF.year + rng.integers(1, 30, int(bad_year.sum()))
    byear[(rng.random(k) < 0.1) & ~bad_year] = None
    store = np.array(p["city"].to_numpy()[m], dtype=object)
    store[(p["language"].to_numpy()[m] == "en")] = "上海"
    out["pos"] = pd.DataFrame({
        "card_no": records["record_id"].to_numpy()[m], "name": sel(names, m), "phone": sel(phones, m),
        "store_city": store, "join_date": join, "birth_year": byear})
    counts.update(pos_excel_serial_join_dates=int(serial.sum()), pos_birth_year_after_as_of=int(bad_year.sum()))
    counts["missing_phone"] = int(missing_phone.sum())
    counts["missing_email"] = int(sum(int(df["email"].isna().sum()) for df in (out["crm"], out["shop"])))
    counts["same_source_re_registrations"] = int((~records["primary"]).sum())
    return out, counts


AS_OF_DT = datetime.combine(AS_OF, datetime.min.time())
