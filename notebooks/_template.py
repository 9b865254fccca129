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
# # NN Title: the question in a few words
#
# One paragraph: the question this notebook answers, who reads the answer, and what data it uses (the company world
# by default, or your own table through `input_path` and the `<role>_col` parameters).
#
# **metrics.json keys**: `n_rows` (rows analysed), `example_value` (what it measures).

# %% tags=["parameters"]
# Parameters (papermill injects overrides below this cell; nothing is computed here)
input_path = ""  # CSV, Parquet or Excel table; empty means the company world in data/processed
input_encoding = ""  # text encoding of a CSV input_path; empty means detect it (and stop when it cannot be told)
input_sheet = ""  # Excel sheet of input_path; empty means the first sheet
customer_col = "customer_id"  # column holding the customer id
seed = 42  # random seed for everything stochastic
output_dir = ""  # run folder for metrics.json and figures; the runner sets it

# %%
from IPython.display import display

from experiments.data import inputs
from experiments.lab import notebook
from experiments.lab.report import safe

run = notebook.start("_template", globals())  # the notebook's own file name, as listed in conf/runs.yaml
table = inputs.load_input(input_path, {"customer": customer_col}, encoding=input_encoding, sheet=input_sheet,
                          company="customers")
run.add_input(table)

# %% [markdown]
# ## 1. A claim in plain words
#
# The code below shows it; a chart or table follows.

# %%
display(safe.frame(table.select().head()))  # data-derived text always goes through `safe`
metrics = {"n_rows": table.rows, "example_value": 0.0}
# A table other notebooks read (keyed by customer_id) is published, never written by hand: give it a contract in
# experiments.data.contracts.OUTPUT_SCHEMAS, then
# processed.publish_results({"my_table": frame}, company_world=table.is_company_world)
# (data/processed for the company world, data/interim/flat/processed for a flat table; checked, atomic, locked).

# %% [markdown]
# ## Verdict
#
# What the reader should do, in one or two sentences with the numbers.

# %%
run.finish(metrics)
