"""Customer records of one source: standardised fields and the impossible-value rules, counted."""

import pandas as pd

from experiments.cleaning.people import standardise_person_source
from experiments.cleaning.quarantine import Quarantine
from experiments.cleaning.rules import RuleLog
from experiments.cleaning.sources import company_sources

AS_OF = pd.Timestamp("2025-07-01")


def test_crm_records_standardised_and_rules_fired():
    raw = pd.DataFrame({
        "crm_id": ["C1", "C2", "C3", "C3", None],
        "name": [" 张 三 ", "John  Smith", "李四", "李四", "x"],
        "phone": ["+86 138-0013-8000", "+1 (415) 555-0134", "12345", "0086 13800138000", None],
        "email": ["  ZS@X.CN ", "john@", None, None, None],
        "city": ["北京 ", "", None, None, None],
        "gender": ["M", "f", "", "", ""],
        "birth_date": ["02/03/1985", "2030-01-01", "19850302", "1985/3/2", None],
        "registered_at": ["2024-03-05 10:00:00", "2026-01-01", "later", "20240305 08:00:00", None],
    })
    log, q = RuleLog(), Quarantine()
    out = standardise_person_source(raw, company_sources()["crm"], as_of=AS_OF, log=log, quarantine=q)
    # the repeated C3 and the row without id are quarantined; 3 records stay
    assert out["record_id"].tolist() == ["C1", "C2", "C3"]
    assert q.reconciliation().set_index("source").loc["crm", "balanced"]
    assert set(q.rows("crm")["reason"]) == {"duplicate_record_id", "missing_record_id"}
    o = out.set_index("record_id")
    assert o.loc["C1", "name"] == "张三" and o.loc["C2", "name"] == "John Smith"
    assert o.loc["C1", "phone"] == "+8613800138000" and o.loc["C2", "phone"] == "+14155550134"
    assert pd.isna(o.loc["C3", "phone"])                                    # invalid -> null
    assert o.loc["C1", "email"] == "zs@x.cn" and pd.isna(o.loc["C2", "email"])
    assert o.loc["C1", "birth_date"] == pd.Timestamp("1985-03-02")          # day-first source
    assert pd.isna(o.loc["C2", "birth_date"])                               # future birth date nulled
    assert pd.isna(o.loc["C2", "registered_at"])                            # registration after as_of nulled
    assert pd.isna(o.loc["C3", "registered_at"])                            # unreadable date nulled
    assert o.loc["C1", "registered_at"] == pd.Timestamp("2024-03-05")       # 10:00 Beijing = 02:00 UTC same day
    assert o["gender"].tolist() == ["M", "F", pd.NA]
    fired = log.table().groupby("rule")["n_rows"].sum()
    assert fired["invalid_phone"] == 1 and fired["invalid_email"] == 1 and fired["future_birth_date"] == 1
    assert fired["future_signup"] == 1 and fired["unparsable_date"] == 1


def test_pos_birth_year_after_as_of_is_negative_age():
    raw = pd.DataFrame({"card_no": ["P1", "P2"], "name": ["a", "b"], "phone": [None, None],
                        "store_city": ["上海", "北京"], "join_date": [45356, pd.Timestamp("2024-03-05")],
                        "birth_year": [1990, 2031]})
    log, q = RuleLog(), Quarantine()
    out = standardise_person_source(raw, company_sources()["pos"], as_of=AS_OF, log=log, quarantine=q)
    assert out["registered_at"].tolist() == [pd.Timestamp("2024-03-05")] * 2   # Excel serial 45356 = 2024-03-05
    assert out["birth_date"].iloc[0] == pd.Timestamp("1990-01-01") and pd.isna(out["birth_date"].iloc[1])
    assert log.count("negative_age") == 1


def test_headline_states_the_reconciliation_and_merges_in_words() -> None:
    from experiments.cleaning.present import headline

    metrics = {"rows_in": 1000, "rows_out": 990, "rows_quarantined": 10, "n_customer_records": 300, "n_customers": 200,
               "n_duplicate_records_merged": 100, "er_f1": 0.9876, "n_orders": 150, "n_cancellations": 5,
               "n_returns": 4, "n_duplicate_rows": 3, "n_missing_customer_id": 20, "n_guest_orders": 7}
    text = headline(metrics)
    # 10 / 1000 = 1.00% quarantined; 300 records -> 200 customers with 100 merged
    assert "1,000 raw rows in: 990 cleaned, 10 quarantined (1.00%)" in text
    assert "300 customer records are **200 customers** (100 duplicate records merged; pair F1 0.988" in text
    assert "3 exact duplicate rows dropped, 20 lines without a customer id (7 guest orders" in text
    flat = {k: v for k, v in metrics.items() if k not in ("n_customer_records", "n_duplicate_records_merged", "er_f1")}
    assert "200 customers." in headline(flat)
