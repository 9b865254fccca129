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
date_col = "InvoiceDate"     # order timestamp column
customer_col = "CustomerID"  # customer id column; empty means every line is a guest line
country_col = "Country"      # optional country column; empty means none
input_encoding = ""          # CSV encoding of input_path; empty means detect it (stops when it cannot be told)
input_sheet = ""             # Excel sheet of input_path; empty means the first sheet
date_order = "auto"          # slash dates: dmy, mdy or auto, decided from a day above 12; ambiguous stops
date_format = ""             # explicit strftime format of date_col; empty means detect
cancel_prefix = "C"          # order ids starting with this are cancellations; empty means none
as_of = ""                   # the data's today, later dates are impossible; empty means the world's own, else today
er_method = "splink"         # entity resolution: splink on DuckDB, or deterministic for the baseline
er_threshold = 0.5           # match probability from which two customer records are the same person
survivorship_default = ""    # one rule for every field: most_recent, most_complete or most_trusted
survivorship_rules = {}      # per-field rule overrides, for example email to most_trusted
rule_actions = {}            # per-rule action overrides, for example zero_price to quarantine
impute_city_from_phone = False  # also fill a missing city from the phone area; off, not sound for mobiles
processed_dir = ""           # folder for the contract tables; empty: data/processed, or data/interim/flat/processed for a flat table
seed = 42                    # random seed for the u sampling of splink
output_dir = ""              # run folder for metrics.json and figures; the runner sets it

# %%
import pandas as pd
from IPython.display import display

from experiments.cleaning import job, quality, quality_charts
from experiments.cleaning.orders import revenue_summary
from experiments.cleaning.pipeline import missingness
from experiments.lab import notebook
from experiments.lab.report import safe

pd.set_option("display.width", 160)
pd.set_option("display.max_columns", 20)
run = notebook.start("01_data_cleaning", globals())

# %% [markdown]
# ## 1. Read and clean every source
#
# Each source is read with its own format and encoding, mapped onto the common layout, standardised (ISO dates,
# E.164 phones, lower-case valid emails, trimmed names) and checked by named rules. A bad file stops here with a
# message naming the file, the column and example rows.

# %%
roles = {"order": order_col, "item": item_col, "item_name": item_name_col, "quantity": quantity_col,
         "price": price_col, "date": date_col, "customer": customer_col, "country": country_col}
result, files_read = job.clean_input(
    input_path, roles, input_encoding=input_encoding, input_sheet=input_sheet, date_order=date_order,
    date_format=date_format, cancel_prefix=cancel_prefix, as_of=as_of, er_method=er_method, er_threshold=er_threshold,
    survivorship_default=survivorship_default, survivorship_rules=survivorship_rules, rule_actions=rule_actions,
    impute_city_from_phone=impute_city_from_phone, seed=seed)
if result.input is not None:
    run.add_input(result.input)
er_table = job.evaluate_er(result, job.planted_truth_dir())  # company world only: scored against the planted truth
metrics = result.metrics
display(safe.md(quality.headline(metrics)))

# %% [markdown]
# ## 2. Every raw row is accounted for
#
# Rows in = rows out + rows quarantined, per source. Quarantined rows are in `quarantine/<source>.csv` beside the
# processed tables, each with its reason.

# %%
rec = result.quarantine.reconciliation()
display(safe.frame(rec))
result.quarantine.assert_balanced()
display(safe.frame(result.quarantine.reasons()))
quality_charts.reconciliation_chart(rec);

# %% [markdown]
# ## 3. Rules fired
#
# Each rule has one action: `fix`, `null` (blank the value, keep the row), `flag` (keep and count) or `quarantine`.

# %%
fired = result.log.table()
display(safe.frame(fired[fired["n_rows"] > 0].reset_index(drop=True)))
quality_charts.rules_chart(fired);

# %% [markdown]
# ## 4. Standardisation, before and after (personal data masked)

# %%
display(safe.frame(quality.standardisation_examples(result)))

# %% [markdown]
# ## 5. Missing values: what was filled and how
#
# A missing city is filled from another record of the same person; what no sound rule can fill stays missing and is
# counted. The chart compares the share missing in the raw customer records with the merged customers.

# %%
if job.has_people(result):
    display(safe.frame(result.imputed))
    mb = quality.missingness_before_after(result.records, result.tables["customers"])
    display((mb * 100).round(1).rename(columns=lambda c: c + " (% missing)"))
    quality_charts.missingness_chart(mb["raw records"], mb["golden customers"],
                                     f"Merging records cuts missing emails from {mb.loc['email', 'raw records']:.0%} "
                                     f"to {mb.loc['email', 'golden customers']:.0%}");
miss = missingness(result.tables)
display(safe.frame(miss[miss["missing_share"] > 0].assign(missing_share=lambda d: (d["missing_share"] * 100).round(2))
                   .rename(columns={"missing_share": "missing (%)"}).reset_index(drop=True)))

# %% [markdown]
# ## 6. Duplicates merged: one customer per person
#
# Entity resolution (splink on DuckDB: blocking on phone, email and name; fuzzy comparison of name, phone, email, city,
# address) links the records of one person; survivorship picks each field of the merged customer and the lineage table
# records which source record won it. On the company world the merged pairs are scored against the planted truth,
# next to a deterministic baseline (same phone, or same email, or same name and city).

# %%
if job.has_people(result):
    if er_table is not None:
        display(er_table.round(4))
    print(f"{metrics['n_customer_records']:,} customer records -> {metrics['n_customers']:,} customers "
          f"({metrics['n_duplicate_records_merged']:,} duplicates merged)")
    quality_charts.cluster_size_chart(result.tables["customers"]["source_ids"]);
    recs, lin = quality.merged_example(result.tables["customers"], result.lineage, result.records)
    display(safe.frame(recs))
    display(safe.frame(lin))
else:
    print(f"{metrics['n_customers']:,} customer ids; a flat table carries no personal data to merge on")

# %% [markdown]
# ## 7. Orders: cancellations, returns, duplicates and guests
#
# Cancelled and returned lines stay in `orders` with their status; exact duplicate lines are dropped (quarantined);
# guest lines keep a null `customer_id` so revenue totals stay whole.

# %%
o = result.tables["orders"]
display(o.groupby(["channel", "status"]).size().unstack(fill_value=0))
display(revenue_summary(o))
print({k: metrics[k] for k in ("n_orders", "n_cancellations", "n_returns", "n_duplicate_rows",
                               "n_missing_customer_id", "n_guest_orders")})

# %% [markdown]
# ## 8. Write the contract tables
#
# Every table was validated against its pandera contract; the whole set (tables, lineage, quarantine files) is
# published together as one new version under a lock, so a reader never sees half of a run. Quarantined rows stay
# in the processed folder's `quarantine/`, never in the reports.

# %%
folder = job.output_folder(processed_dir, flat=result.input is not None)
version = job.publish_outputs(result, folder)
print(f"{len(result.tables)} contract tables and {len(result.quarantine.frames)} quarantine files published to "
      f"{folder.name}/ (version {version.name})")

# %% [markdown]
# ## Verdict

# %%
display(safe.md(quality.headline(metrics)))

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
from experiments.lab.metrics import key_table

display(safe.frame(key_table("01_data_cleaning")).style.hide(axis="index"))

# %%
run.finish(metrics)
