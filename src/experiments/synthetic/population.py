"""Persons (the clean truth) and their messy customer records in four sources.

Each person gets a name, email and address from Faker (``zh_CN`` for about 80%, ``en_US`` for the rest), a phone
number that ``phonenumbers`` accepts as valid (CN mobile or US), and 1-4 raw records spread over the CRM, the web
shop, the WeChat membership programme and the POS loyalty cards. The records carry typos, mixed formats, missing
fields and a few impossible values; ``person_records`` maps every record back to its person.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import pandas as pd
import phonenumbers
from faker import Faker
from faker.providers.address.zh_CN import Provider as ZhAddress
from faker.providers.phone_number.zh_CN import Provider as ZhPhone

from experiments.synthetic.sizes import AS_OF, START, rng_for

SOURCES = ("crm", "shop", "wechat", "pos")
ID_PREFIX = {"crm": "C", "shop": "U", "wechat": "W", "pos": "P"}
EN_SHARE = 0.2
_MAJOR_CITIES = 30
_EN_CITY_POOL = 14


@dataclass
class People:
    """Persons (truth plus latent traits) and the raw customer records of every source."""

    persons: pd.DataFrame
    """person_id, name, phone_e164, email, city, gender, birth_date, signup_date, language, address, ..."""
    records: pd.DataFrame
    """One row per raw record: source, record_id, person (row index into ``persons``), primary (bool)."""
    raw: dict[str, pd.DataFrame]
    """The raw tables per source, with the file's column names (values may mix types)."""


def _faker(locale: str, seed: int) -> Faker:
    fake = Faker(locale)
    fake.seed_instance(int(seed) * 1_000_003 + zlib.crc32(locale.encode()))
    return fake


def _valid_numbers(rng: np.random.Generator, n: int, region: str,
                   seen: set[int] | None = None) -> list[phonenumbers.PhoneNumber]:
    """Draw ``n`` distinct numbers that ``phonenumbers`` accepts as valid for ``region`` (CN mobiles or US, not
    Canada, which shares the +1 country code), none of them in ``seen`` (national numbers; updated in place)."""
    out: list[phonenumbers.PhoneNumber] = []
    seen = set() if seen is None else seen
    prefixes = np.array(ZhPhone.phonenumber_prefixes, dtype=np.int64)
    while len(out) < n:
        k = int((n - len(out)) * 1.3) + 8
        if region == "CN":
            nationals = rng.choice(prefixes, k) * 100_000_000 + rng.integers(0, 100_000_000, k)
            code = 86
        else:
            npa = rng.integers(201, 990, k)
            nxx = rng.integers(200, 1000, k)
            nationals = npa * 10_000_000 + nxx * 10_000 + rng.integers(0, 10_000, k)
            code = 1
        for national in nationals.tolist():
            if national in seen:
                continue
            num = phonenumbers.PhoneNumber(country_code=code, national_number=national)
            if phonenumbers.is_valid_number(num) and phonenumbers.is_valid_number_for_region(num, region):
                seen.add(national)
                out.append(num)
                if len(out) == n:
                    break
    return out


def _phone_variants(num: phonenumbers.PhoneNumber) -> tuple[str, str, str]:
    """Return (E.164, international, national) formats.

    The national format comes from ``phonenumbers``; E.164 and international are derived from it (one formatting
    call instead of three: ``"+86 138 0013 8000"``, ``"+1 415-555-0134"``, as ``phonenumbers`` prints them).
    """
    national = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.NATIONAL)
    e164 = f"+{num.country_code}{num.national_number}"
    if num.country_code == 1:
        return e164, "+1 " + national.replace("(", "").replace(") ", "-"), national
    return e164, f"+{num.country_code} {national}", national


def make_persons(n: int, seed: int, first_id: int = 1, taken: dict[str, set] | None = None) -> pd.DataFrame:
    """Return ``n`` clean persons (the truth), drawn from Faker and ``phonenumbers``.

    Columns: person_id, name, phone_e164, phone_intl, phone_national, email, city, gender (M/F), birth_date,
    signup_date, language (zh/en), address. A world generated in blocks numbers each block's persons from
    ``first_id`` and passes the same ``taken`` (emails, CN and US numbers so far; updated in place) to every block, so
    no two persons share an email or a phone number.
    """
    taken = {"email": set(), "CN": set(), "US": set()} if taken is None else taken
    rng = rng_for(seed, "persons")
    zh, en = _faker("zh_CN", seed), _faker("en_US", seed)
    is_en = rng.random(n) < EN_SHARE
    gender = np.where(rng.random(n) < 0.52, "F", "M")
    zh_cities = list(dict.fromkeys(ZhAddress.cities))[:_MAJOR_CITIES]
    zipf = 1.0 / np.arange(1, len(zh_cities) + 1) ** 0.9
    en_cities = [en.city() for _ in range(_EN_CITY_POOL)]
    zh_city = rng.choice(len(zh_cities), n, p=zipf / zipf.sum())
    en_city = rng.integers(0, len(en_cities), n)
    names, emails, addresses, cities = [], [], [], []
    used_emails: set[str] = taken["email"]
    for i in range(n):
        fake = en if is_en[i] else zh
        if is_en[i]:
            first = fake.first_name_female() if gender[i] == "F" else fake.first_name_male()
            name = f"{first} {fake.last_name()}"
            cities.append(en_cities[en_city[i]])
        else:
            name = fake.name_female() if gender[i] == "F" else fake.name_male()
            while not _gbk_ok(name):
                name = fake.name_female() if gender[i] == "F" else fake.name_male()
            cities.append(zh_cities[zh_city[i]])
        email = f"{fake.user_name()}@{fake.free_email_domain()}"
        while email in used_emails:
            user, domain = email.split("@")
            email = f"{user}{fake.random_int(1, 999)}@{domain}"
        used_emails.add(email)
        names.append(name)
        emails.append(email)
        addresses.append(fake.street_address())
    numbers: list[phonenumbers.PhoneNumber | None] = [None] * n
    idx_en = np.flatnonzero(is_en)
    idx_zh = np.flatnonzero(~is_en)
    for idx, region in ((idx_zh, "CN"), (idx_en, "US")):
        for i, num in zip(idx.tolist(), _valid_numbers(rng, len(idx), region, taken[region]),
                               strict=True):
            numbers[i] = num
    formats = [_phone_variants(num) for num in numbers]  # type: ignore[arg-type]
    age_days = rng.integers(18 * 365, 75 * 365, n)
    birth = [AS_OF - timedelta(days=int(a)) for a in age_days]
    signup_day = np.where(rng.random(n) < 0.45, rng.integers(-1095, 0, n), rng.integers(0, 530, n))
    signup = [START + timedelta(days=int(d)) for d in signup_day]
    return pd.DataFrame({
        "person_id": [f"H{i + first_id:06d}" for i in range(n)],
        "name": names,
        "phone_e164": [f[0] for f in formats],
        "phone_intl": [f[1] for f in formats],
        "phone_national": [f[2] for f in formats],
        "email": emails,
        "city": cities,
        "gender": gender,
        "birth_date": birth,
        "signup_date": signup,
        "signup_day": signup_day.astype(np.int64),
        "language": np.where(is_en, "en", "zh"),
        "address": addresses,
    })


def _gbk_ok(text: str) -> bool:
    try:
        text.encode("gbk")
    except UnicodeEncodeError:
        return False
    return True


def assign_records(persons: pd.DataFrame, seed: int, first: dict[str, int] | None = None) -> pd.DataFrame:
    """Spread each person over 1-4 raw records (about 1.6 on average) and number the records per source.

    Returns one row per record: source, record_id, person (row index), primary (the person's first record in
    that source), reg_day (registration day on the internal axis). Ids are shuffled so they do not follow persons;
    each source's are numbered from ``first[source]`` (1 unless a block of a larger world says otherwise).
    """
    rng = rng_for(seed, "records")
    n = len(persons)
    counts = rng.choice([1, 2, 3, 4], n, p=[0.55, 0.32, 0.09, 0.04])
    first_p = np.array([0.16, 0.44, 0.12, 0.28])
    src_rows: list[int] = []
    person_rows: list[int] = []
    is_en = (persons["language"] == "en").to_numpy()
    draws = rng.random((n, 4))
    firsts = rng.choice(4, n, p=first_p)
    for i in range(n):
        chosen = [int(firsts[i])]
        for j in range(1, int(counts[i])):
            if draws[i, j] < 0.1:  # re-registration in a source the person already uses
                chosen.append(chosen[int(draws[i, 0] * len(chosen)) % len(chosen)])
                continue
            weights = first_p.copy()
            weights[chosen] *= 0.05
            if is_en[i]:
                weights[2] *= 0.3
            weights /= weights.sum()
            chosen.append(int(np.searchsorted(np.cumsum(weights), draws[i, j] * 0.999999)))
        src_rows.extend(chosen)
        person_rows.extend([i] * len(chosen))
    rec = pd.DataFrame({"source_idx": np.array(src_rows, dtype=np.int64),
                        "person": np.array(person_rows, dtype=np.int64)})
    rec["source"] = np.array(SOURCES)[rec["source_idx"].to_numpy()]
    rec["primary"] = ~rec.duplicated(["person", "source"])
    signup = persons["signup_day"].to_numpy()[rec["person"].to_numpy()]
    delay = np.where(rec["primary"].to_numpy(), 0, rng.integers(30, 400, len(rec)))
    rec["reg_day"] = np.minimum(signup + delay, 545)
    order = rng.permutation(len(rec))
    rec = rec.iloc[order].reset_index(drop=True)
    rec["record_id"] = ""
    for s in SOURCES:
        mask = (rec["source"] == s).to_numpy()
        start = (first or {}).get(s, 1)
        rec.loc[mask, "record_id"] = [f"{ID_PREFIX[s]}{k + start:07d}" for k in range(int(mask.sum()))]
    return rec[["source", "record_id", "person", "primary", "reg_day"]]
