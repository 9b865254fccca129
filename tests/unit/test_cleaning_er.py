"""Entity resolution, its evaluation, survivorship with lineage, imputation and masking on tiny hand-made frames."""

import pandas as pd
import pytest

from experiments.cleaning.entity_resolution import name_key, resolve_deterministic
from experiments.cleaning.evaluation import pair_scores
from experiments.cleaning.impute import impute_city
from experiments.cleaning.privacy import mask, mask_frame
from experiments.cleaning.survivorship import golden_records, resolve_rules


def _records():
    # person A: C1 (crm), U1 (shop, same phone), W1 (wechat, swapped name characters, same phone)
    # person B: U2 and P2 share an email? no: they share name + city only
    # person C: C3 alone, same name as nobody
    return pd.DataFrame({
        "record_id": ["C1", "U1", "W1", "U2", "P2", "C3"],
        "source": ["crm", "shop", "wechat", "shop", "pos", "crm"],
        "name": ["张三丰", "张三丰", "张丰三", "Mary Lee", "mary  lee", "王五"],
        "phone": ["+8613800138000", "+8613800138000", "+8613800138000", None, "+14155550134", "+8613900139000"],
        "email": [None, "zs@x.cn", None, "mary@x.com", None, "ww@x.cn"],
        "city": ["北京", None, "北京", "Boston", "Boston", None],
        "address": [None, "A路1号", None, None, None, None],
        "gender": ["M", None, "M", "F", None, "M"],
        "birth_date": pd.to_datetime(["1980-01-01", None, None, None, None, "1990-05-05"]),
        "registered_at": pd.to_datetime(["2023-01-01", "2024-06-01", "2024-01-01", "2022-01-01", "2024-02-02",
                                         "2021-01-01"]),
        "trust": [4, 3, 2, 3, 1, 4],
    })


def test_name_key():
    assert name_key(pd.Series([" Mary  Lee", "mary-lee", "张 三", None])).tolist() == ["marylee", "marylee", "张三",
                                                                                      pd.NA]


def test_deterministic_baseline_clusters():
    res = resolve_deterministic(_records())
    c = res.clusters.set_index("record_id")["cluster_id"]
    assert c["C1"] == c["U1"] == c["W1"]       # shared phone
    assert c["U2"] == c["P2"]                  # same normalised name and city
    assert c["C3"] not in {c["C1"], c["U2"]}


def test_pair_scores_by_hand():
    clusters = pd.DataFrame({"record_id": list("abcde"), "cluster_id": ["1", "1", "1", "2", "3"]})
    truth = pd.DataFrame({"record_id": list("abcde"), "person_id": ["p", "p", "q", "r", "r"]})
    # predicted pairs: ab, ac, bc = 3; true pairs: ab, de = 2; true positives: ab = 1
    s = pair_scores(clusters, truth)
    assert (s["n_predicted_pairs"], s["n_true_pairs"], s["n_true_positive_pairs"]) == (3, 2, 1)
    assert s["precision"] == pytest.approx(1 / 3) and s["recall"] == pytest.approx(1 / 2)
    assert s["f1"] == pytest.approx(2 * (1 / 3) * (1 / 2) / (1 / 3 + 1 / 2))


def _with_ids():
    r = _records()
    r["customer_id"] = ["K1", "K1", "K1", "K2", "K2", "K3"]
    return r


def test_survivorship_rules_and_lineage():
    golden, lineage = golden_records(_with_ids(), resolve_rules(per_field={"name": "most_trusted",
                                                                           "phone": "most_recent"}))
    g = golden.set_index("customer_id")
    assert g.loc["K1", "name"] == "张三丰"                    # crm (trust 4) wins
    assert g.loc["K2", "phone"] == "+14155550134"            # the only record with a phone
    assert g.loc["K1", "signup_date"] == pd.Timestamp("2023-01-01")  # earliest record
    assert g.loc["K1", "acquisition_channel"] == "crm"
    assert g.loc["K1", "source_ids"] == "C1|U1|W1"
    assert g.loc["K1", "email"] == "zs@x.cn"                 # filled from another record of the same person
    won = lineage.set_index(["customer_id", "field"])
    assert won.loc[("K1", "email"), "record_id"] == "U1" and won.loc[("K1", "name"), "rule"] == "most_trusted"
    # most_recent name for K2 picks P2 (2024) over U2 (2022)
    g2, _ = golden_records(_with_ids(), resolve_rules("most_recent"))
    assert g2.set_index("customer_id").loc["K2", "name"] == "mary  lee"
    with pytest.raises(ValueError, match="survivorship rule"):
        resolve_rules("newest")
    with pytest.raises(ValueError, match="unknown survivorship field"):
        resolve_rules(per_field={"shoe_size": "most_recent"})


def test_impute_city_from_same_person():
    out, counts = impute_city(_with_ids())
    o = out.set_index("record_id")
    assert o.loc["U1", "city"] == "北京" and o.loc["U1", "city_imputed_by"] == "same_person"
    assert pd.isna(o.loc["C3", "city"])                      # nobody else knows: stays missing
    assert counts.set_index("method")["n_filled"].to_dict() == {"same_person": 1, "phone_area": 0, "not_filled": 1}
    out2, counts2 = impute_city(_with_ids(), use_phone_area=True)
    assert out2.set_index("record_id").loc["C3", "city_imputed_by"] == "phone_area"


def test_masking():
    assert mask(pd.Series(["张三丰", "Mary Lee", None]), "name").tolist() == ["张**", "M*** L**", pd.NA]
    assert mask(pd.Series(["mary@x.com"]), "email").tolist() == ["m****@x.com"]
    # phones and emails follow the lab's one rule (common.masking.mask_pii; a phone column masks every long digit
    # run): two leading digits and the last two kept, whatever the country code's length
    assert mask(pd.Series(["+8613800138000", "+14155550134", "13800138000", "010-6552 0143"]), "phone").tolist() == [
        "+86*********00", "+14*******34", "13*******00", "01*******43"]
    assert mask(pd.Series(["北京市朝阳区"]), "address").tolist() == ["北京***"]
    masked = mask_frame(_records()[["name", "phone", "city"]])
    assert masked["city"].tolist()[:1] == ["北京"] and masked["name"].iloc[0] == "张**"
