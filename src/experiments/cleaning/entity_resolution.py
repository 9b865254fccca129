"""Entity resolution: which raw customer records are the same person (splink on DuckDB, Fellegi-Sunter model).

Input: standardised person records (``record_id, source, name, phone, email, city, address, gender``).
1. Blocking: only pairs that share an E.164 phone, an email, or a normalised name are compared (the rules in
   ``BLOCKING``), so the work grows with the records, not their square.
2. Comparison: the normalised name (exact with term-frequency adjustment, Damerau-Levenshtein <= 1 for a dropped or
   swapped character, then Jaro-Winkler levels), exact phone, email
   (exact, then fuzzy username), exact city, exact address, exact gender; missing values are neutral.
3. The model's u probabilities come from random sampling, its m probabilities from EM on two blockings, the prior from
   the deterministic rules (splink documentation, "Training a linkage model"; Fellegi & Sunter 1969).
4. Pairs at or above ``threshold`` are clustered by connected components; a cluster is one person.

``resolve_deterministic`` is the simple baseline (same phone, or same email, or same name and city) the splink model
is measured against in the notebook; ``method="deterministic"`` selects it.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

BLOCKING = ("phone", "email", "name_key")
NAME_BLOCKS = {"name": ("name_key",), "name_city": ("name_key", "city")}
"""Parameter ``er_name_block``: the columns of splink's name block (in prediction and in its EM training). Faker's
Chinese names repeat, so pairs sharing a name grow with the square of the records (1 M persons: 157,298 name keys,
65.7 M person pairs; 100,000: 37,544 and 0.65 M); ``name_city`` also asks for the same city."""


@dataclass
class Resolution:
    """Result of entity resolution: a cluster id per record and the scored pairs above the threshold."""

    clusters: pd.DataFrame  # record_id, cluster_id
    pairs: pd.DataFrame     # record_id_l, record_id_r, match_probability
    method: str
    n_candidate_pairs: int = 0


def name_key(names: pd.Series) -> pd.Series:
    """Normalised name for blocking and comparison: NFKC, lower case, no spaces, dots or hyphens."""
    s = pd.Series(names).astype("string")
    uniques = s.dropna().unique()
    lookup = {u: re.sub(r"[\s.\-'·]", "", unicodedata.normalize("NFKC", str(u)).lower()) for u in uniques}
    out = s.map(lookup).astype("string")
    return out.where(out != "")


def _prepare(records: pd.DataFrame) -> pd.DataFrame:
    df = pd.DataFrame({
        "record_id": records["record_id"].astype(str),
        "name_key": name_key(records["name"]),
        "phone": records["phone"].astype("string"),
        "email": records["email"].astype("string"),
        "city": records["city"].astype("string"),
        "address": records["address"].astype("string"),
        "gender": records["gender"].astype("string"),
    })
    return df.astype(object).where(df.notna(), None)


def _connected_components(ids: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Union-find over record positions; returns the root position of each record."""
    parent = np.arange(len(ids))
    pos = {r: i for i, r in enumerate(ids)}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in zip(left, right, strict=True):
        ra, rb = find(pos[a]), find(pos[b])
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return np.array([find(i) for i in range(len(ids))])


def _clusters_from_pairs(record_ids: pd.Series, pairs: pd.DataFrame) -> pd.DataFrame:
    ids = record_ids.astype(str).to_numpy()
    roots = _connected_components(ids, pairs["record_id_l"].to_numpy(), pairs["record_id_r"].to_numpy())
    return pd.DataFrame({"record_id": ids, "cluster_id": ids[roots]})


def resolve_deterministic(records: pd.DataFrame) -> Resolution:
    """Baseline: link records sharing a phone, an email, or the same normalised name and city."""
    df = _prepare(records)
    pairs = []
    for keys in (["phone"], ["email"], ["name_key", "city"]):
        sub = df.dropna(subset=keys)[["record_id", *keys]]
        first = sub.groupby(keys)["record_id"].transform("first")
        p = pd.DataFrame({"record_id_l": first, "record_id_r": sub["record_id"]})
        pairs.append(p[p["record_id_l"] != p["record_id_r"]])
    links = pd.concat(pairs, ignore_index=True).drop_duplicates()
    links["match_probability"] = 1.0
    return Resolution(_clusters_from_pairs(df["record_id"], links), links, "deterministic", len(links))


# One dropped or swapped character, counted in characters (DuckDB's damerau_levenshtein counts UTF-8 bytes, so a
# swapped pair of Chinese characters would be 6 edits): the same multiset of characters, or one name holding all
# characters of the other and exactly one more.
_ONE_EDIT_SQL = """(
    damerau_levenshtein(name_key_l, name_key_r) <= 1
    OR list_sort(string_split(name_key_l, '')) = list_sort(string_split(name_key_r, ''))
    OR (length(name_key_l) = length(name_key_r) + 1
        AND list_has_all(string_split(name_key_l, ''), string_split(name_key_r, '')))
    OR (length(name_key_r) = length(name_key_l) + 1
        AND list_has_all(string_split(name_key_r, ''), string_split(name_key_l, '')))
)"""


def _settings(threshold_names: tuple[float, float], retain: bool = False, name_block: str = "name"):
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_id",
        comparisons=[
            cl.CustomComparison(output_column_name="name_key", comparison_levels=[
                cll.NullLevel("name_key"),
                cll.ExactMatchLevel("name_key", term_frequency_adjustments=True),
                cll.CustomLevel(_ONE_EDIT_SQL, label_for_charts="one character dropped or swapped"),
                cll.JaroWinklerLevel("name_key", threshold_names[0]),
                cll.JaroWinklerLevel("name_key", threshold_names[1]),
                cll.ElseLevel()]),
            cl.ExactMatch("phone"),
            cl.EmailComparison("email"),
            cl.ExactMatch("city"),
            cl.ExactMatch("address"),
            cl.ExactMatch("gender"),
        ],
        blocking_rules_to_generate_predictions=[block_on(*NAME_BLOCKS[name_block]) if c == "name_key" else block_on(c)
                                                for c in BLOCKING],
        retain_intermediate_calculation_columns=retain,
        retain_matching_columns=retain,
    )


def resolve_splink(records: pd.DataFrame, threshold: float = 0.5, seed: int = 42,
                   name_thresholds: tuple[float, float] = (0.92, 0.8), max_pairs: float = 5e5,
                   name_block: str = "name") -> Resolution:
    """Cluster records with a splink (DuckDB) Fellegi-Sunter model; pairs with probability >= ``threshold`` link.
    ``name_block`` names the columns of the name block (``NAME_BLOCKS``)."""
    import duckdb
    from splink import DuckDBAPI, Linker, block_on

    df = _prepare(records)
    con = duckdb.connect()
    con.execute("SET threads TO 2")
    db_api = DuckDBAPI(connection=con)
    sdf = db_api.register(df, table_name="person_records")
    logging.getLogger("splink").setLevel(logging.ERROR)
    linker = Linker(sdf, _settings(name_thresholds, name_block=name_block), log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match([block_on("phone"), block_on("email")],
                                                                  recall=0.85)
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("phone"), record_sample_proportion=1.0)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on(*NAME_BLOCKS[name_block]),
                                                                       record_sample_proportion=1.0)
    predictions = linker.inference.predict(threshold_match_probability=0.01)
    scored = predictions.as_pandas_dataframe()
    n_candidates = len(scored)
    pairs = scored.loc[scored["match_probability"] >= threshold, ["record_id_l", "record_id_r", "match_probability"]]
    pairs = pairs.astype({"record_id_l": str, "record_id_r": str}).reset_index(drop=True)
    con.close()
    return Resolution(_clusters_from_pairs(df["record_id"], pairs), pairs, "splink", n_candidates)


def resolve(records: pd.DataFrame, method: str = "splink", threshold: float = 0.5, seed: int = 42,
            name_block: str = "name") -> Resolution:
    """Resolve people with ``method`` ``splink`` (default) or ``deterministic`` (``name_block``: splink's name
    block, ``NAME_BLOCKS``)."""
    if method == "splink":
        return resolve_splink(records, threshold=threshold, seed=seed, name_block=name_block)
    if method == "deterministic":
        return resolve_deterministic(records)
    raise ValueError(f"unknown entity-resolution method {method!r}; expected 'splink' or 'deterministic'")
