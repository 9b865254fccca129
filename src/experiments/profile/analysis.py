"""Customer 360 end to end: check the rules, read the tables, build the profile, the timeline, the audiences, the
lookalike scores and the cards."""

from __future__ import annotations

from experiments.common.errors import ParameterError
from experiments.profile import audiences, blocks, cards, lookalike, timeline
from experiments.profile.config import Config
from experiments.profile.result import Result
from experiments.profile.sources import Data, load


def check_rules(config: Config) -> None:
    """The audience rules and the lookalike seed rule name only profile columns and evaluate (before any read)."""
    columns = blocks.profile_columns()
    audiences.validate(config.audiences, columns)
    audiences.validate({"lookalike_seed": config.lookalike_seed}, columns, what="rule")
    if config.lookalike_model not in lookalike.MODELS:
        raise ParameterError(f"08_customer_360: lookalike_model must be one of {', '.join(lookalike.MODELS)}, "
                             f"got {config.lookalike_model!r}")


def run(config: Config, data: Data | None = None) -> Result:
    """Run the analysis on ``data`` (read with ``load(config)`` when not given) and return its ``Result``."""
    check_rules(config)
    data = data or load(config)
    profile, notes = blocks.build(data, config.reply_target_minutes, config.n_recommendations,
                                  config.negative_days, data.items)
    ids = profile["customer_id"].astype(str)
    events = timeline.build(data, ids)
    groups = audiences.build(profile, config.audiences)
    look = lookalike.score(profile, data.prospects, config.lookalike_seed, config.trait_cols,
                           config.lookalike_model, config.seed, config.default_country_code)
    picked = cards.chosen(data, config.n_cards, config.card_ids, ids)
    by_customer = {cid: grp for cid, grp in events[events["customer_id"].isin(picked)].groupby("customer_id")}
    indexed = profile.set_index("customer_id", drop=False)
    empty = events.iloc[:0]
    card_list = [cards.card(indexed.loc[c], by_customer.get(c, empty), config.n_events) for c in picked]
    return Result(config=config, data=data, profile=profile, timeline=events, notes=notes, audiences=groups,
                  lookalike=look, cards=card_list)
