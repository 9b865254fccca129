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
# # 01 Data cleaning and the customer-360 view
#
# **Question**: can the analyses trust the data? This notebook turns the raw sources of the company (CRM, web shop,
# WeChat members, POS members, shop orders, POS transactions, feedback, ad logs) into the contract tables of
# `data/processed/`, merges the same person across channels into one customer, and shows the data steward what was
# fixed, what was quarantined and why. Pointed at a flat order-lines table (`input_path` plus the `<role>_col`
# parameters, e.g. UCI Online Retail) it cleans that table into the orders / items / customers contract instead.
#
# **metrics.json**: the counts of rows in, out and quarantined, customers, orders, cancellations, returns and
# duplicates, and on the company world the de-duplication scores; every key with its meaning is in the appendix.

# %% tags=["parameters"]
# Parameters: papermill injects overrides below this cell; nothing is computed here
input_path = ""              # flat order-lines table: CSV, Parquet or Excel; empty means the company world
order_col = "InvoiceNo"      # order or invoice id column of the flat table
item_col = "StockCode"       # item id column
item_name_col = "Description"  # item name column; empty means none
quantity_col = "Quantity"    # quantity column; negative means return or cancellation
price_col = "UnitPrice"      # unit price column
time_col = "InvoiceDate"     # order timestamp column
customer_col = "CustomerID"  # customer id column; empty means every line is a guest line
country_col = "Country"      # optional country column; empty means none
input_encoding = ""          # CSV encoding of input_path; empty means detect it (stops when it cannot be told)
input_sheet = ""             # Excel sheet of input_path; empty means the first sheet
input_sep = ""               # CSV field separator: , ; \t | or whitespace; empty means detect it
input_header = ""            # CSV header row: true, false (columns named 0, 1, 2 ...); empty means detect it
date_order = "auto"          # slash dates: dmy, mdy or auto, decided from a day above 12; ambiguous stops
date_format = ""             # strftime format of time_col, or unix_s / unix_ms for epoch times; empty means detect
cancel_prefix = "C"          # order ids starting with this are cancellations; empty means none
as_of = ""                   # the data's today, later dates are impossible; empty means today (world profiles set theirs)
er_method = "splink"         # entity resolution: splink on DuckDB, or deterministic for the baseline
er_threshold = 0.5           # match probability from which two customer records are the same person
er_name_block = "name"       # splink's name block: name (same name key) or name_city (also the same city; 10^6 persons)
survivorship_default = ""    # one rule for every field: most_recent, most_complete or most_trusted
survivorship_rules = {}      # per-field rule overrides, for example email to most_trusted
rule_actions = {}            # per-rule action overrides, for example zero_price to quarantine
impute_city_from_phone = False  # also fill a missing city from the phone area; off, not sound for mobiles
processed_dir = ""           # folder for the contract tables; empty: data/processed, or data/interim/flat/processed for a flat table
seed = 42                    # random seed for the u sampling of splink
engine = "duckdb"  # engine for the data steps (exact duplicates, joins of orders to customers): duckdb (embedded) or spark
spark_master = "local[2]"  # Spark master URL when engine is spark: local[n] or spark://host:7077 for a cluster
engine_memory_limit = 0.5  # share of RAM (0-1] DuckDB may use before it spills to disk (out of core)
output_dir = ""              # run folder for metrics.json and figures; the runner sets it

# %%
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from experiments import cleaning
from experiments.cleaning import charts, evaluation, present
from experiments.lab import notebook
from experiments.lab.metrics import key_table
from experiments.lab.report import safe

pd.set_option("display.width", 160)
pd.set_option("display.max_columns", 20)
run = notebook.start("01_data_cleaning", globals())
cfg = cleaning.Config.from_parameters(run.params)
result = cleaning.run(cfg)
run.add_input(result.input)
truth = evaluation.planted_scores(result)  # company world only: the merge scored against the planted truth

# %% [markdown]
# ## The answer
#
# Each source is read with its own format and encoding, mapped onto the common layout, standardised (ISO dates,
# E.164 phones, lower-case valid emails, trimmed names) and checked by named rules. A bad file stops before this
# point with a message naming the file, the column and example rows.

# %%
display(present.answer(result, truth.metrics))

# %% [markdown]
# ## 1. Every raw row is accounted for
#
# Rows in = rows out + rows quarantined, per source. Quarantined rows are in `quarantine/<source>.csv` beside the
# processed tables, each with its reason.

# %%
display(present.reconciliation(result))
display(present.quarantine_reasons(result))
charts.reconciliation_of(result)
plt.show()

# %% [markdown]
# ## 2. Rules fired
#
# Each rule has one action: `fix`, `null` (blank the value, keep the row), `flag` (keep and count) or `quarantine`.

# %%
display(present.rules_fired(result))
charts.rules_of(result)
plt.show()

# %% [markdown]
# ## 3. Standardisation, before and after (personal data masked)

# %%
display(present.before_after(result))

# %% [markdown]
# ## 4. Missing values: what was filled and how
#
# A missing city is filled from another record of the same person; what no sound rule can fill stays missing and is
# counted. The chart compares the share missing in the raw customer records with the merged customers.

# %%
display(*present.filled(result))
charts.missingness_of(result)
plt.show()
display(present.missing_columns(result))

# %% [markdown]
# ## 5. Duplicates merged: one customer per person
#
# Entity resolution (splink on DuckDB: blocking on phone, email and name; fuzzy comparison of name, phone, email, city,
# address) links the records of one person; survivorship picks each field of the merged customer and the lineage table
# records which source record won it.

# %%
display(present.merge_summary(result))
charts.cluster_sizes_of(result)
plt.show()
display(*present.merged_records(result))

# %% [markdown]
# ## 6. Orders: cancellations, returns, duplicates and guests
#
# Cancelled and returned lines stay in `orders` with their status; exact duplicate lines are dropped (quarantined);
# guest lines keep a null `customer_id` so revenue totals stay whole.

# %%
display(present.orders_by_status(result))
display(present.revenue(result))
display(present.order_counts(result))

# %% [markdown]
# ## 7. Against the planted truth (company world)
#
# The merged pairs are scored against the generated world's planted truth (pair precision, recall and F1), next to a
# deterministic baseline (same phone, or same email, or same name and city). A flat table has no such truth.

# %%
display(present.er_scores(truth.table))

# %% [markdown]
# ## 8. Publish the contract tables
#
# Every table was validated against its pandera contract; the whole set (tables, lineage, quarantine files) is
# published together as one new version under a lock, so a reader never sees half of a run. Quarantined rows stay
# in the processed folder's `quarantine/`, never in the reports.

# %%
version = result.publish()
display(present.published(result, version))

# %% [markdown]
# ## Appendix: metrics.json keys and their definitions
#
# Definitions (counted on the **raw rows**, before anything is removed): `n_duplicate_rows` = rows identical in every
# column of the file to an earlier row (the later copies; they go to quarantine with reason `exact_duplicate`);
# `n_cancellations` = lines whose status is cancelled (shop `cancelled`, POS `void`, invoice numbers starting with
# `cancel_prefix`); `n_returns` = returned lines (shop `returned`, POS `return`, negative quantity without the prefix);
# `n_missing_customer_id` = lines without a customer reference; `n_guest_orders` = distinct orders kept in the output
# with no customer id (their revenue stays in the totals). Every key and its meaning (from `conf/runs.yaml`, the one
# list the README and the tests are checked against):

# %%
display(safe.frame(key_table("01_data_cleaning")).style.hide(axis="index"))

# %%
run.finish(result.metrics() | truth.metrics)
