"""Missing values: fill only where a rule is sound, flag the rest, and count each fill by method.

Methods, tried in order for a record's missing ``city``:
1. ``same_person``: another record of the same person (after entity resolution) names a city — the most frequent
   one, ties to the most trusted source. Sound: it is the same customer.
2. ``phone_area``: the city of the phone number's area per ``phonenumbers`` geocoding (mainland China: the mobile
   block's registration city). Off by default: a mobile number's block tells where the SIM was issued, not where
   the customer lives; turn it on (``impute_city_from_phone``) for data where that is known to hold.
Missing values no method fills stay missing and are counted under ``not_filled``.
"""

from __future__ import annotations

import pandas as pd

from experiments.cleaning.standardise import phone_region


def impute_city(records: pd.DataFrame, use_phone_area: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fill ``city`` of records (needs ``customer_id``, ``trust``); return (records with ``city_imputed_by``, counts).

    ``counts`` has one row per method: method, n_filled.
    """
    df = records.copy()
    df["city_imputed_by"] = pd.Series(pd.NA, index=df.index, dtype="string")
    missing = df["city"].isna()
    n_missing = int(missing.sum())
    known = df[df["city"].notna()]
    best = (known.groupby(["customer_id", "city"]).agg(n=("record_id", "size"), trust=("trust", "max"))
            .reset_index().sort_values(["customer_id", "n", "trust"], ascending=[True, False, False])
            .drop_duplicates("customer_id").set_index("customer_id")["city"])
    fill = df.loc[missing, "customer_id"].map(best)
    filled = fill.notna()
    df.loc[fill[filled].index, "city"] = fill[filled]
    df.loc[fill[filled].index, "city_imputed_by"] = "same_person"
    n_person = int(filled.sum())
    n_phone = 0
    if use_phone_area:
        still = df["city"].isna() & df["phone"].notna()
        area = phone_region(df.loc[still, "phone"])
        ok = area.notna()
        df.loc[area[ok].index, "city"] = area[ok]
        df.loc[area[ok].index, "city_imputed_by"] = "phone_area"
        n_phone = int(ok.sum())
    counts = pd.DataFrame({"column": "city", "method": ["same_person", "phone_area", "not_filled"],
                           "n_filled": [n_person, n_phone, n_missing - n_person - n_phone]})
    return df, counts
