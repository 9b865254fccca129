"""Impossible-value rules and their actions, and the quarantine reconciliation."""

import pandas as pd
import pytest

from experiments.cleaning.quarantine import Quarantine
from experiments.cleaning.rules import RuleLog, age_masks, apply_rule, future_mask, price_masks

AS_OF = pd.Timestamp("2025-07-01")


def test_future_and_age_masks():
    dates = pd.Series(pd.to_datetime(["2025-06-30", "2025-07-02", None, "1900-01-01"]))
    assert future_mask(dates, AS_OF).tolist() == [False, True, False, False]
    negative, old = age_masks(dates, AS_OF)
    assert negative.tolist() == [False, True, False, False]
    assert old.tolist() == [False, False, False, True]  # 125 years old


def test_price_masks():
    zero, negative = price_masks(pd.Series([1.5, 0, -2, None]))
    assert zero.tolist() == [False, True, False, False]
    assert negative.tolist() == [False, False, True, False]


def test_each_action():
    df = pd.DataFrame({"price": [1.0, 0.0, -2.0]})
    mask = df["price"] <= 0
    log = RuleLog.with_overrides({"zero_price": "null"})
    kept, bad = apply_rule(df, mask, rule="zero_price", column="price", source="s", log=log)
    assert kept["price"].isna().tolist() == [False, True, True] and bad.empty
    log = RuleLog.with_overrides({"zero_price": "fix"})
    kept, _ = apply_rule(df, mask, rule="zero_price", column="price", source="s", log=log,
                         fix_value=pd.Series([9.0, 8.0, 7.0]))
    assert kept["price"].tolist() == [1.0, 8.0, 7.0]
    log = RuleLog()
    kept, bad = apply_rule(df, mask, rule="negative_price", column="price", source="s", log=log)
    assert len(kept) == 1 and len(bad) == 2 and set(bad["reason"]) == {"negative_price"}
    assert log.count("negative_price", "s") == 2


def test_unknown_rule_or_action_is_an_error():
    with pytest.raises(ValueError, match="unknown rule 'nope'"):
        RuleLog.with_overrides({"nope": "null"})
    with pytest.raises(ValueError, match="action must be one of"):
        RuleLog.with_overrides({"zero_price": "delete"})


def test_quarantine_reconciliation_and_files(tmp_path):
    q = Quarantine()
    q.set_in("shop", 10)
    q.add("shop", pd.DataFrame({"x": [1, 2]}), reason="exact_duplicate")
    q.set_out("shop", 8)
    q.set_in("pos", 5)
    q.set_out("pos", 4)  # one row lost: neither out nor quarantined
    t = q.reconciliation().set_index("source")
    assert bool(t.loc["shop", "balanced"]) and not bool(t.loc["pos", "balanced"])
    with pytest.raises(AssertionError, match="pos: in 5 != out 4 \\+ quarantined 0"):
        q.assert_balanced()
    paths = q.write(tmp_path)
    assert [p.name for p in paths] == ["shop.csv"]
    assert pd.read_csv(paths[0])["reason"].tolist() == ["exact_duplicate"] * 2
    with pytest.raises(ValueError, match="need a reason"):
        q.add("shop", pd.DataFrame({"x": [1]}))


def test_effective_as_of_explicit_then_today() -> None:
    from experiments.cleaning.analysis import effective_as_of
    from experiments.common.errors import DataInputError

    assert effective_as_of("2024-02-29") == "2024-02-29"  # an explicit date wins (the world profiles set theirs)
    today = pd.Timestamp.now(tz="UTC").strftime("%Y-%m-%d")
    assert effective_as_of("") in {today, (pd.Timestamp(today) + pd.Timedelta(days=1)).strftime("%Y-%m-%d")}
    with pytest.raises(DataInputError, match="as_of"):
        effective_as_of("next tuesday")


def test_world_profiles_state_the_generated_worlds_today() -> None:
    from experiments.lab.config import notebook_parameters
    from experiments.synthetic.sizes import AS_OF, SIZES

    for size in SIZES:
        assert notebook_parameters("01_data_cleaning", size)["as_of"] == f"{AS_OF:%Y-%m-%d}", size
