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
# # 00 Data overview: what the company world holds
#
# Before any analysis, a look at the raw data as it arrives from each channel: which sources exist, how big they are,
# how empty, and how orders, feedback and ad experiments spread over time and channels. Readers: anyone about to trust
# the analyses that follow. Data: the raw files in `data/raw/` (the synthetic company by default; see
# `docs/raw_sources.md`). Nothing here is cleaned: `01_data_cleaning` repairs and de-duplicates.
#
# **metrics.json keys**: `n_sources`, `n_customer_records`, `n_order_lines`, `n_feedback`, `n_ad_units`, `raw_kb`.

# %% tags=["parameters"]
# Parameters (papermill injects overrides below this cell; nothing is computed here)
raw_dir = ""          # folder of raw files; empty means data/raw of the project (or $CIL_DATA_DIR/raw)
seed = 42             # random seed (nothing here is random; kept for the common run info)
output_dir = ""       # run folder for metrics.json and figures; the runner sets it

# %%
from pathlib import Path

from IPython.display import display

from experiments.data import paths
from experiments.lab import chart_style, notebook
from experiments.lab.report import safe
from experiments.overview import inventory

raw = Path(raw_dir) if raw_dir else paths.raw_dir()
run = notebook.start("00_data_overview", globals(), data=[raw])

# %% [markdown]
# ## 1. Every channel delivers its own file, in its own format
#
# Customer records come from four systems (CRM, online shop, WeChat, store POS) in CSV (UTF-8 and GBK), JSON lines and
# Excel; the same person can appear in several of them. Orders come from the shop and the stores.

# %%
sources = inventory.source_inventory(raw)
metrics = inventory.headline_counts(sources)
display(safe.frame(sources.set_index("file")))

# %%
records = inventory.customer_records_by_source(sources)
fig = chart_style.bar_chart(records, f"{metrics['n_customer_records']:,} raw customer records arrive through {len(records)} systems",
                       "raw customer records (one person may appear in several)", "")

# %% [markdown]
# ## 2. Orders arrive every month from both channels
#
# Raw order lines per month; cancellations, returns and duplicates are still included.

# %%
monthly = inventory.monthly_order_lines(raw)
busiest = monthly.sum(axis=1).idxmax() if len(monthly) else "n/a"
fig = chart_style.line_chart(monthly, f"Order lines per month by channel (busiest month: {busiest})", "month", "order lines")

# %% [markdown]
# ## 3. Feedback comes through five channels
#
# Customer feedback (Chinese and English) by channel, before any topic or sentiment modelling.

# %%
by_channel = inventory.count_by(raw, "feedback.jsonl", ["channel"]).set_index("channel")["rows"].sort_values(ascending=False)
fig = chart_style.bar_chart(by_channel, f"Most feedback arrives via {by_channel.index[0]}", "feedback rows", "")

# %% [markdown]
# ## 4. Three ad experiments ran
#
# Units per experiment and variant as logged (trust checks such as sample-ratio mismatch come in `06_ad_ab_analysis`).

# %%
display(safe.frame(inventory.count_by(raw, "ad_events.csv", ["experiment_id", "variant"]).set_index(["experiment_id", "variant"])))

# %% [markdown]
# ## Verdict
#
# The raw data is multi-channel and messy by design: the next notebook cleans it into one customer-360 view. The
# counts above are the starting point its reconciliation must account for.

# %%
run.finish(metrics)
