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
# # 02 Customer segmentation and lifetime value: who are our best customers, who is slipping, what is each worth?
#
# For the marketing team: every customer placed in the tiers you act on (RFM segments; value, behaviour, lifecycle
# and needs views) with the lifetime value each group is expected to bring. By default it reads the company world's
# processed tables from `01_data_cleaning`; point `input_path` at your own transactions (customer, date, amount) and
# set `calibration_end` and `time_unit`. The result, one row per customer, is published as
# `data/processed/segments.parquet` for churn, recommendations and the care queue.


# %% tags=["parameters"]
# Parameters (papermill injects overrides below this cell; nothing is computed here)
input_path = ""  # CSV, Parquet or Excel transactions table; empty means the company world in data/processed
input_encoding = ""  # text encoding of a CSV input_path; empty means detect it
input_sheet = ""  # Excel sheet of input_path; empty means the first sheet
input_sep = ""  # CSV field separator: , ; \t | or whitespace; empty means detect it
input_header = ""  # CSV header row: true, false (columns named 0, 1, 2 ...); empty means detect it
customer_col = "customer_id"  # column holding the customer id
time_col = "date"  # column holding the purchase date (or date-time)
date_order = "auto"  # slash dates: auto (decided from values above 12, else an error), dmy or mdy
date_format = ""  # strftime format of time_col (e.g. %m/%d/%y %H:%M), or unix_s / unix_ms for epoch times; empty means detect
amount_col = "amount"  # column holding the purchase amount; empty means quantity_col x price_col
quantity_col = ""  # order-line quantity, used only when amount_col is empty
price_col = ""  # order-line unit price, used only when amount_col is empty
keep_zero_amounts = True  # count zero-amount rows as purchases (CDNOW does); negative amounts are always dropped
calibration_end = ""  # ISO date ending the calibration period; empty means as_of minus holdout_days
as_of = ""  # ISO date of the segmentation (end of the holdout); empty means the last purchase date up to today (later purchases are set aside and counted)
holdout_days = 182  # holdout length when calibration_end is empty
time_unit = "W"  # time unit of the purchase models: W (weeks) or D (days)
horizon_months = 12  # CLV horizon
annual_discount = 0.1  # yearly discount rate of future margin in the CLV
margin = 1.0  # share of spend that is margin (1 means CLV in revenue)
fit_pareto = True  # also fit the Pareto/NBD as a check on the BG/NBD
pareto_max_customers = 500000  # Pareto/NBD fitted on all customers up to this many, above it on a seeded sample (1,000,000 took 7 s)
value_high_share = 0.2  # share of buyers (by CLV) in the high value tier
value_medium_share = 0.3  # share of buyers in the medium tier (after the high one)
potential_min_alive = 0.5  # potential tier: young buyers with at least this P(alive)
potential_max_purchases = 2  # potential tier: buyers with at most this many purchase days
active_days = 90  # behaviour: active when the last purchase is at most this many days old
churned_days = 180  # behaviour: churned when the last purchase is older than this; silent in between
new_days = 90  # lifecycle: new when the first purchase is at most this many days old
lifecycle_window_days = 180  # lifecycle: purchases in this last window against the window before
growth_ratio = 1.25  # lifecycle: growing when recent purchases exceed this times the earlier window
decline_ratio = 0.5  # lifecycle: declining when recent purchases fall below this times the earlier window
need_discount_share = 0.3  # needs: price-sensitive from this share of lines bought at a discount
need_price_level = 0.65  # needs: quality-seeking from this mean within-category price percentile
need_contacts_per_order = 0.25  # needs: service-dependent from this many contacts and returns per order
need_min_orders = 2  # needs: orders needed before a need is inferred
publish = True  # write data/processed/segments.parquet (and a dated copy for the next run's migration)
seed = 42  # random seed of the Pareto/NBD sample above pareto_max_customers (nothing else is random)
engine = "duckdb"  # engine for the data steps (per-customer summaries, migration): duckdb (embedded) or spark
spark_master = "local[2]"  # Spark master URL when engine is spark: local[n] or spark://host:7077 for a cluster
engine_memory_limit = 0.5  # share of RAM (0-1] DuckDB may use before it spills to disk (out of core)
output_dir = ""  # run folder for metrics.json; the runner sets it

# %%
import matplotlib.pyplot as plt
from IPython.display import display

from experiments import segments
from experiments.lab import notebook
from experiments.lab.report import safe
from experiments.segments import charts, evaluation, present, rfm

run = notebook.start("02_customer_segmentation", globals())
cfg = segments.Config.from_parameters(run.params)
result = segments.run(cfg)
run.add_input(result.input)
display(present.run_info(result, run.info["git_revision"]))

# %% [markdown]
# ## The answer on one screen

# %%
display(present.headline(result))
display(safe.frame(present.rounded(present.value_table(result))))

# %% [markdown]
# ## 1. RFM segments: eight groups from recency and frequency
#
# Each buyer gets a 1-5 score for recency (5 = bought most recently), frequency (5 = most purchase days) and
# monetary value (5 = most spend): the quintile of their rank, ties sharing a score. The named segment follows from
# R and F by the first matching rule below. The table after it gives the indicators of each segment.

# %%
display(safe.frame(present.rfm_rules()))
ind_rfm = result.indicators("rfm_segment")
display(safe.frame(present.rounded(ind_rfm)))
charts.sizes_and_revenue(ind_rfm.drop(index="n/a", errors="ignore"), "RFM segment")
plt.show()

# %%
charts.rfm_heatmap(rfm.grid(result.buyers), rfm.grid(result.buyers, result.buyers["clv"]))
plt.show()

# %% [markdown]
# ## 2. The four views the business asks for
#
# Value (by predicted lifetime value), behaviour (by days since the last purchase), lifecycle (new, growing, mature,
# declining) and needs (from discount use, price level bought and service contacts; company world only). The
# thresholds are parameters; the values used are listed in the appendix.

# %%
display(*present.views(result))

# %% [markdown]
# ## 3. Lifetime value
#
# CLV is the expected margin of the next `horizon_months`, discounted: expected purchases each month from the
# BG/NBD model (Fader, Hardie & Lee 2005) times the expected spend per purchase from the Gamma-Gamma model, both
# fitted by maximum likelihood on all purchases up to the segmentation date.

# %%
charts.clv_distribution(result.table["clv"])
plt.show()
display(result.tables["parameters"].round(4))

# %% [markdown]
# ## 4. Can the model be trusted? Calibration and holdout
#
# The same models fitted only on purchases up to `calibration_end` predict the purchases after it; we compare with
# what customers did, over time and by how often they had bought (Fader, Hardie & Lee 2005, figures 3 and 4).
# Parameters with standard errors from the Hessian of the log-likelihood. The Pareto/NBD is fitted on every
# calibration customer up to `pareto_max_customers` (above it on a random sample, said here when it happens).

# %%
display(present.model_sentence(result))
charts.holdout_tracking(result.check.cumulative, result.check.by_frequency, cfg.time_unit)
plt.show()
display(result.tables["parameters_calibration"].round(4))

# %% [markdown]
# ## 5. Who moved since the last run
#
# Compared with the previous run's segments of the same data source: how many customers changed RFM segment, and
# the moves that matter (a Champion or Loyal customer now At risk, Cannot lose them, Hibernating or Lost).

# %%
display(*present.migration(result))
charts.migration_heatmap(result.tables.get("migration"))  # nothing to draw without a previous run
plt.show()

# %% [markdown]
# ## 6. Against the planted truth (company world only)
#
# The generator planted each person's purchase rate, lapse and need type; the segmentation never reads them. Here,
# and only here, the notebook compares (customers mapped to planted persons through the cleaning's lineage).

# %%
display(*evaluation.section(result))

# %%
result.publish();  # data/processed/segments.parquet (company world) or data/interim/flat/processed

# %% [markdown]
# ## Verdict

# %%
display(present.verdict(result))

# %% [markdown]
# ## Appendix: parameters and definitions
#
# **metrics.json keys** (all in README): `n_customers`, `n_repeat_customers`, `bgnbd_r`, `bgnbd_alpha`, `bgnbd_a`,
# `bgnbd_b`, `bgnbd_loglik`, `pareto_loglik`, `pareto_fit_customers`, `gg_p`, `gg_q`, `gg_v`, `holdout_purchases_mae`,
# `holdout_total_rel_error`, `share_value_<tier>` and more.

# %%
display(safe.frame(present.rules(result)))

# %%
run.finish(result.metrics())
