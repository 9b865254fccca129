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


# %% tags=["parameters"]
# Parameters (papermill injects overrides below this cell; nothing is computed here)
raw_dir = ""          # folder of raw files; empty means data/raw of the project (or $CIL_DATA_DIR/raw)
seed = 42             # random seed (nothing here is random; kept for the common run info)
output_dir = ""       # run folder for metrics.json and figures; the runner sets it

# %%
import matplotlib.pyplot as plt
from IPython.display import display

from experiments import overview
from experiments.lab import notebook
from experiments.overview import charts, present

run = notebook.start("00_data_overview", globals())
cfg = overview.Config.from_parameters(run.params)
result = overview.run(cfg)
run.add_input(result.input)

# %% [markdown]
# ## The answer

# %%
display(present.answer(result))

# %% [markdown]
# ## 1. Every channel delivers its own file, in its own format
#
# Customer records come from four systems (CRM, online shop, WeChat, store POS) in CSV (UTF-8 and GBK), JSON lines and
# Excel; the same person can appear in several of them. Orders come from the shop and the stores.

# %%
display(present.inventory(result))

# %%
charts.customer_records(result)
plt.show()

# %% [markdown]
# ## 2. Orders arrive every month from both channels
#
# Raw order lines per month; cancellations, returns and duplicates are still included.

# %%
charts.monthly_order_lines(result)
plt.show()

# %% [markdown]
# ## 3. Feedback comes through five channels
#
# Customer feedback (Chinese and English) by channel, before any topic or sentiment modelling.

# %%
charts.feedback_channels(result)
plt.show()

# %% [markdown]
# ## 4. Three ad experiments ran
#
# Units per experiment and variant as logged (trust checks such as sample-ratio mismatch come in `06_ad_ab_analysis`).

# %%
display(present.ad_units(result))

# %% [markdown]
# ## Appendix
#
# **metrics.json keys**: `n_sources`, `n_customer_records`, `n_order_lines`, `n_feedback`, `n_ad_units`, `raw_kb`.

# %%
result.publish()  # the overview publishes no table
run.finish(result.metrics())
