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
# # 04 Churn prediction: whom to call this week, what it is worth, and why they are leaving
#
# For the retention team: a ranked contact list where each call is expected to pay for itself, the reasons behind
# each customer's risk in plain words, and how far the model can be trusted. By default it reads the company world
# (`data/processed`, from `01_data_cleaning`): features as of a past snapshot with no look-ahead, churn = no purchase
# in the `label_days` after it, and this week's list scored on today's data. Segments/CLV and scored feedback from
# the segmentation and feedback notebooks are used when present. Point `input_path` at your own table (one row per
# customer) with `customer_col`, `label_col` and `positive_label`.


# %% tags=["parameters"]
# Parameters (papermill injects overrides below this cell; nothing is computed here)
input_path = ""  # CSV, Parquet or Excel table with one row per customer; empty means the company world
input_encoding = ""  # text encoding of a CSV input_path; empty means detect it
input_sheet = ""  # Excel sheet of input_path; empty means the first sheet
input_sep = ""  # CSV field separator: , ; \t | or whitespace; empty means detect it
input_header = ""  # CSV header row: true, false (columns named 0, 1, 2 ...); empty means detect it
customer_col = "customer_id"  # flat table: column identifying the customer
label_col = "churned"  # flat table: column saying whether the customer churned
positive_label = "1"  # flat table: the value of label_col that means churned (e.g. Yes)
drop_cols = []  # flat table: columns that are not features (leaky or irrelevant), besides id and label
categorical_cols = []  # flat table: columns to treat as categories; empty means inferred from the values
value_col = ""  # flat table: column giving a customer's value per period (e.g. monthly charges); empty means none
value_multiplier = 12.0  # flat table: periods of value at stake, the value is value_col times this (e.g. 12 months)
customer_value = 1000.0  # flat table without value_col: value of keeping one customer
snapshot_date = "2025-03-31"  # company world: training snapshot (YYYY-MM-DD; the generated world's); empty: last order day - label_days
score_date = "2025-07-01"  # company world: date the contact list is scored at (the generated world's today); empty: day after the last order
label_days = 90  # company world: churned means no purchase in this many days after the snapshot
late_days = 5  # company world: a delivery taking more days than this is late
test_fraction = 0.2  # share of customers held out (stratified) to compare the models
campaign_cost = 100.0  # cost of one retention contact (call, coupon or service fix), in the value's currency
campaign_success_rate = 0.2  # share of would-be churners a contact keeps
tier_cuts = [0.3, 0.6]  # churn probabilities where the medium and high risk tiers start
max_contacts = 0  # most customers the team can contact this week (highest expected gain first); 0 means no limit
n_boot = 500  # bootstrap resamples for the metric intervals
learning_rate = 0.03  # LightGBM learning rate; higher means fewer trees (the large and xlarge profiles use 0.1)
top_n = 20  # rows of the contact list shown in the report
seed = 42  # random seed for the split, the models and the bootstrap
engine = "duckdb"  # engine for the data steps (the feature table as of the snapshot): duckdb (embedded) or spark
spark_master = "local[2]"  # Spark master URL when engine is spark: local[n] or spark://host:7077 for a cluster
engine_memory_limit = 0.5  # share of RAM (0-1] DuckDB may use before it spills to disk (out of core)
output_dir = ""  # run folder for metrics.json; the runner sets it

# %%
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from experiments import churn
from experiments.churn import charts, evaluation, present
from experiments.lab import notebook
from experiments.lab.report import safe

pd.set_option("display.max_colwidth", 200)  # the reasons column is a sentence
run = notebook.start("04_churn_prediction", globals())
cfg = churn.Config.from_parameters(run.params)
result = churn.run(cfg)
run.add_input(result.input)

# %% [markdown]
# ## This week's retention calls
#
# How many customers to contact, what the campaign is worth after its costs, why these customers are leaving,
# whether the model behind it beats a simple baseline, and which scores the numbers rest on.

# %%
display(present.headline(result))

# %% [markdown]
# ## 1. Who churns
#
# The label and the population the models learn from. On the company world: customers with a purchase before the
# snapshot; churned = no completed purchase in the window after it. Features use only events before the snapshot.
# With your own table, blank numbers are kept as missing and counted below (LightGBM learns where missing values go;
# the baselines impute the median and add a missing flag), never dropped silently.

# %%
display(present.population_sentence(result))
display(present.notes(result))

# %% [markdown]
# ## 2. Which model ranks churners best
#
# LightGBM (shallow trees, native categoricals, early stopping on a validation fold) against logistic regression and
# a random forest, all fitted on the same rows and scored on the same held-out customers. Intervals are 95% bootstrap
# intervals over the test customers.

# %%
display(safe.frame(present.comparison_table(result)))
charts.model_chart(result.comparison)
plt.show()

# %% [markdown]
# ## 3. Can the probabilities be trusted as probabilities?
#
# The money decision multiplies risk by value, so a predicted 40% must mean about 40%. Platt scaling or isotonic
# regression replaces the raw LightGBM score only when it lowers the cross-validated Brier score on the validation
# fold (never the test customers).

# %%
display(present.calibration_sentence(result))
charts.reliability_chart(result.reliability, result.calibrator.method)
plt.show()

# %% [markdown]
# ## 4. Why customers leave
#
# Global importance is LightGBM's mean absolute SHAP value (`pred_contrib`, exact TreeSHAP) on the test customers;
# each customer's reasons are their own largest risk-raising contributions, written out in words.

# %%
charts.importance_chart(result.importance)
plt.show()
display(safe.frame(present.reasons_table(result, cfg.top_n), max_chars=200))

# %% [markdown]
# ## 5. How much better than calling at random
#
# Cumulative gain (share of all churners reached) and lift by decile of predicted risk, on the test customers.

# %%
charts.gain_lift_chart(result.gains)
plt.show()

# %% [markdown]
# ## 6. Where to stop calling
#
# Expected gain of a contact = risk x success rate x value - cost. Contacting customers in order of expected gain,
# profit rises until the gain turns negative: that is the cut-off. On the held-out test customers the same rule
# (every customer with a positive expected gain, nobody else) is checked against what actually happened.

# %%
charts.profit_chart(result.curve, result.cutoff)
plt.show()
display(present.test_profit_sentence(result))

# %% [markdown]
# ## 7. The contact list
#
# Who to contact, ranked by expected gain, with the reasons in words. The list is published as
# `churn_actions.parquet` (every scored customer in `churn_scores.parquet`) without an action: which action each
# customer gets is decided by 09 (next best action, `next_best_actions.parquet`), learned from a randomized campaign.
# The table below shows, for comparison only, what 04's driver rule would suggest (priority service when the main
# reason is service, a care call for other high-risk customers, a coupon otherwise).

# %%
display(safe.frame(present.action_summary(result)))
display(safe.frame(present.contact_table(result, cfg.top_n), max_chars=200))
result.publish()
display(present.published(result))

# %% [markdown]
# ## 8. Against the planted truth
#
# Company world only: the generator planted each customer's true churn probability. Ranking the test customers by it
# (the oracle) is the best any model could do; LightGBM should come close.

# %%
truth = evaluation.compare_with_planted(result)
display(present.truth_sentence(truth))

# %% [markdown]
# ## Verdict

# %%
display(present.verdict(result))

# %% [markdown]
# ## Appendix: definitions
#
# - **ROC-AUC**: chance a random churner is ranked above a random stayer (0.5 = random). **PR-AUC**: average
#   precision. **Brier**: mean squared error of the probability (lower is better). **Top-decile lift**: churn rate
#   in the riskiest 10% divided by the overall rate.
# - **Expected profit**: sum over contacted customers of risk x `campaign_success_rate` x value - `campaign_cost`.
# - **Out-of-sample scores**: on a flat table the customers the models trained on are scored by 5-fold
#   cross-fitting (each fold by a LightGBM fitted on the other four), the held-out customers by the compared model.
# - metrics.json keys are listed in conf/runs.yaml (`04_churn_prediction`).
#
# **metrics.json keys** (all in conf/runs.yaml): `lgbm_roc_auc`, `lgbm_pr_auc`, `lgbm_brier`, `logreg_roc_auc`,
# `rf_roc_auc`, `top_decile_lift`, `n_train`, `n_test`, `positive_rate`, `best_model`, `expected_profit`,
# `share_contacted`, `test_realised_profit`, and more.

# %%
run.finish(result.metrics());
