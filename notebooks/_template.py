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
# by default, or your own table through `input_path` and the `<role>_col` parameters). Every analysis reads the
# same: parameters; `cfg = X.Config.from_parameters(run.params)`; `result = X.run(cfg)`; an answer section first,
# then numbered sections that display `result`; `result.publish()`; `run.finish(result.metrics())`
# (docs/architecture.md). This template runs `experiments.example`, the smallest package in that shape: copy both.

# %% tags=["parameters"]
# Parameters (papermill injects overrides below this cell; nothing is computed here)
input_path = ""  # CSV, Parquet or Excel table; empty means the company world's orders in data/processed
input_encoding = ""  # text encoding of a CSV input_path; empty means detect it (and stop when it cannot be told)
input_sheet = ""  # Excel sheet of input_path; empty means the first sheet
customer_col = "customer_id"  # column holding the customer id
top_n = 10  # customers shown in the table
seed = 42  # random seed for everything stochastic
output_dir = ""  # run folder for metrics.json and figures; the runner sets it

# %%
import matplotlib.pyplot as plt
from IPython.display import display

from experiments import example
from experiments.example import charts, present
from experiments.lab import notebook
from experiments.lab.report import safe

run = notebook.start("_template", globals())  # the notebook's own file name, as listed in conf/runs.yaml
cfg = example.Config.from_parameters(run.params)
result = example.run(cfg)
run.add_input(result.input)

# %% [markdown]
# ## The answer
#
# The reader's answer with its numbers, on the first screen.

# %%
display(present.answer(result))

# %% [markdown]
# ## 1. A claim in plain words
#
# The code below shows it; a chart or table follows. Data-derived text always goes through `safe`.

# %%
display(safe.frame(result.tables["top_customers"]))
charts.rows_histogram(result)
plt.show()

# %% [markdown]
# ## Appendix
#
# **metrics.json keys**: `n_rows` (rows read), `n_customers` (distinct customers). The run's parameters and library
# versions follow.

# %%
result.publish()  # tables other notebooks read are published with a contract (data.contracts.OUTPUT_SCHEMAS)
run.finish(result.metrics())
