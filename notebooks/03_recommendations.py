# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,-all
#     notebook_metadata_filter: kernelspec,-jupytext.text_representation.jupytext_version
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Customer Insights Lab
#     language: python
#     name: cil
# ---

# %% [markdown]
# # 03 Recommendations: what should each customer be shown next?
#
# For merchandisers and the CRM team: a top-N product list for every customer, each item with a reason they can
# read, "customers who bought X also buy" neighbours, and proof that the model beats what a lazy team would ship
# (the most-popular list). Collaborative filtering with `implicit` (ALS, BPR, item-item kNN) on the company world's
# completed orders (`data/processed/orders.parquet`, written by `01_data_cleaning`), or on your own table through
# `input_path` and `customer_col`, `item_col`, `weight_col`, `time_col`. The lists go to
# `data/processed/recommendations.parquet` (one row per customer and rank).

# %% tags=["parameters"]
# Parameters (papermill injects overrides below this cell; nothing is computed here)
input_path = ""  # CSV, Parquet or Excel table of interactions; empty means the company world's orders
input_encoding = ""  # text encoding of a CSV input_path; empty means detect it
input_sheet = ""  # Excel sheet of input_path; empty means the first sheet
input_sep = ""  # CSV field separator: , ; \t | or whitespace; empty means detect it
input_header = ""  # CSV header row: true, false (columns named 0, 1, 2 ...); empty means detect it
customer_col = "customer_id"  # column identifying the customer (user)
item_col = "item_id"  # column identifying the item
item_name_col = ""  # optional column with a readable item name (used in the reasons)
weight_col = ""  # optional quantity or rating column; empty means every row counts 1
time_col = ""  # optional timestamp column; needed for the time split
date_order = "auto"  # slash dates in time_col: auto, dmy or mdy (never guessed when ambiguous)
date_format = ""  # strftime format of time_col, or unix_s / unix_ms for epoch times; empty means detect
min_rating = None  # optional: keep rows whose weight_col is at least this (explicit ratings as positives)
split = "time"  # "time" (train before a cut-off, test after) or "random" (per-user random hold-out)
test_fraction = 0.2  # share of interactions held out for the test (time) or per user (random)
validation_fraction = 0.2  # share of the TRAINING data carved out to choose parameters
k = 10  # list length scored by the metrics
use_weight = True  # matrix values sum weight_col (quantity) instead of counting rows
recency_half_life_days = 0.0  # > 0 halves an interaction's weight every this many days before the latest one
scaling = "log"  # matrix scaling: none, log (log1p) or bm25
search_grid = "small"  # parameter search on validation: none, small (fast) or large
search = "run"  # run the search, reuse last run's chosen settings (data/interim/recommend_search.json), or none
search_budget_seconds = 0.0  # > 0: Optuna with pruning over search_grid's values within this many seconds
search_validation_users = 0  # > 0: score the search on a seeded sample of this many validation users
als_factors = 32  # ALS latent factors
als_regularization = 100.0  # ALS L2 regularisation
als_alpha = 20.0  # ALS confidence scale: confidence is 1 + alpha x value
als_iterations = 15  # ALS sweeps
bpr_factors = 32  # BPR latent factors
bpr_learning_rate = 0.01  # BPR SGD learning rate
bpr_regularization = 0.01  # BPR L2 regularisation
bpr_iterations = 100  # BPR epochs (too many overfit small data; the search covers this)
itemknn_similarity = "bm25"  # item-item kNN similarity: cosine or bm25
itemknn_neighbours = 50  # item-item kNN neighbours kept per item
n_recommendations = 10  # items per customer in the published lists
exclude_bought = True  # leave out items the customer already bought (False when re-purchase is the point)
seed = 42  # random seed for the splits and the models
engine = "duckdb"  # engine for the data steps (pair counts, time-split filtering): duckdb (embedded) or spark
spark_master = "local[2]"  # Spark master URL when engine is spark: local[n] or spark://host:7077 for a cluster
engine_memory_limit = 0.5  # share of RAM (0-1] DuckDB may use before it spills to disk (out of core)
output_dir = ""  # run folder for metrics.json; the runner sets it

# %%
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from experiments import recommend
from experiments.lab import notebook
from experiments.lab.report import safe
from experiments.recommend import charts, evaluation, models, present

models.ensure_single_thread_blas()
pd.set_option("display.max_colwidth", 90)
run = notebook.start("03_recommendations", globals())
cfg = recommend.Config.from_parameters(run.params)
result = recommend.run(cfg)
run.add_input(result.input)

# %% [markdown]
# ## The answer
#
# Which model feeds the lists, how much better it is than the most-popular list, and what a typical customer sees.

# %%
display(present.headline_md(result))
display(safe.frame(present.example_list(result)))
display(present.example_history(result))

# %% [markdown]
# ## 1. The data: who and what we can learn from
#
# Interactions are completed purchases (or your table's rows) of known customers; rows that cannot count are set
# aside with a reason. Customers with no history before the cut-off are cold-start: no model can personalise for
# them, so they are scored apart and get popular items of their segment or channel. The models rank the items seen
# in the training part; coverage is a share of those.

# %%
display(safe.frame(present.data_table(result)))

# %% [markdown]
# ## 2. Choosing parameters without touching the test
#
# A validation split is carved out of the training data only; every model's parameters (factors, regularisation,
# alpha, learning rate, iterations) are chosen there by NDCG@k. BPR degrades with too many epochs on small data,
# so its iterations are part of the search.

# %%
display(safe.frame(present.search_table(result)))
charts.search_chart(result.search)
plt.show()

# %% [markdown]
# ## 3. Every model on the held-out test, against the baselines
#
# Precision@k (hits / k), recall@k, MAP@k, NDCG@k on the test split for the warm customers, plus catalogue coverage,
# novelty (mean self-information in bits: higher means less obvious items) and intra-list diversity (1 - cosine
# between items of a list). The most-popular and random lists are the bar any model must clear.

# %%
display(present.results_table(result))
charts.model_chart(result.results, result.chosen, cfg.k)
plt.show()

# %% [markdown]
# ## 4. "Customers who bought X also buy"
#
# Item neighbours by co-purchase (cosine over the customers who bought both). The cross-category table shows where
# each category's complements lie: the links merchandisers can use for bundles and shelf placement.

# %%
display(safe.frame(present.neighbour_examples(result)))
display(*present.cross_category_section(result))

# %% [markdown]
# ## 5. The lists: per segment and for cold-start customers
#
# Every customer gets a list: customers with history from the chosen model, the others the most popular items of
# their segment (when `segments.parquet` exists), else of their channel, else overall.

# %%
display(safe.frame(present.segment_table(result)))
charts.category_mix_chart(result.recommendations, result.data.item_categories)
plt.show()
display(safe.frame(present.cold_examples(result)))

# %%
display(present.published_md(result, result.publish()))

# %% [markdown]
# ## 6. Against the planted truth (company world only)
#
# The generator drew every purchase from each person's planted tastes and planted basket pairs inside orders; the
# models never read them. Here, and only here, the notebook compares: ranking by the true tastes (the oracle) is
# the ceiling no model can beat on average.

# %%
display(*evaluation.section(result))

# %% [markdown]
# ## Verdict

# %%
display(present.verdict_md(result))

# %% [markdown]
# ## Appendix: definitions and every metrics.json key
#
# **Metrics** (our own functions, `experiments.recommend.ranking_metrics`, tested against hand-computed values):
# precision@k = hits in the top k / k (not / min(k, relevant) as `implicit.evaluation.precision_at_k`);
# recall@k = hits / relevant; MAP@k = mean of AP@k = sum of precision@r at each hit rank r / min(k, relevant);
# NDCG@k with binary gains and 1/log2(rank+1) discounts; averages are over test users with at least one held-out
# item. Coverage = share of the training catalogue (`n_items_train` items) in at least one list; novelty = mean
# -log2(share of training customers who bought the item); diversity = mean pairwise cosine distance within a list
# (items described by their buyers).
#
# **metrics.json keys.** Per model `m` (als, bpr, itemknn, popular, random): `m_precision_at_k`, `m_recall_at_k`,
# `m_map_at_k`, `m_ndcg_at_k`, `m_coverage`, `m_novelty`, `m_diversity`, `fit_seconds_m` (test-split fit time).
# `n_users`, `n_items` (distinct in the interactions), `n_items_train` (distinct in the test split's training part:
# the catalogue the models rank and coverage divides by), `n_cold_start` (test customers without training history; 0
# for a random split), `n_test_users` (warm test users scored), `k`, `split`, `chosen_model` (best validation
# NDCG@k among als, bpr, itemknn), `chosen_lift_over_popular` (relative NDCG@k gain on the test split),
# `n_customers_with_list`, `n_search_fits`.

# %%
run.finish(result.metrics());
