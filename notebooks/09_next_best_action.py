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
# # 09 Next best action: learned from a randomized campaign, not assumed
#
# For the retention and CRM teams: which action (or none) each customer should get, learned from a past randomized
# campaign with a control group, with a random control group kept so the next run can measure what the list earned.
# By default it reads the company world's retention campaign (`campaigns`, cleaned from the raw file) and the
# processed orders, items, feedback and care queue; point `input_path` (and `test_path`) at your own randomized
# campaign with `variant_col`, `control_label`, `outcome_col` and `feature_cols` (two or more arms).

# %% tags=["parameters"]
# Parameters (papermill injects overrides below this cell; nothing is computed here)
input_path = ""  # your randomized campaign (CSV, Parquet or Excel), one row per customer; empty means the company world
input_encoding = ""  # text encoding of a CSV input_path; empty means detect it
input_sheet = ""  # Excel sheet of input_path; empty means the first sheet
input_sep = ""  # CSV field separator: , ; \t | or whitespace; empty means detect it
input_header = ""  # CSV header row: true, false (columns named 0, 1, 2 ...); empty means detect it
customer_col = ""  # flat table: column identifying the customer; empty means each row is a customer
variant_col = "arm"  # flat table: column holding the arm each customer was randomized to (as in 06)
control_label = "control"  # the arm that got nothing
outcome_col = "spend_30d"  # flat table: the outcome after the send (money, or 0/1 for a purchase)
feature_cols = []  # flat table: pre-treatment columns to learn from (the company world uses its own features)
cost_per_arm = {}  # {arm: cost of sending it}; empty means the costs the campaign recorded (company world), else 0
outcome_value = 1.0  # money per unit of outcome (e.g. 10 for a $10 purchase with a 0/1 outcome)
test_path = ""  # a separate held-out file of the same campaign; empty means hold out part of input_path
test_fraction = 0.5  # share of rows held out (stratified by arm) when n_folds is 0 and there is no test_path
n_folds = 5  # without test_path: score every campaign customer out of fold with this many folds (0: use test_fraction)
budget = 0.0  # most money to spend on actions (highest expected gain first); 0 means no limit
call_capacity = None  # most agent calls (care call); 0 means no limit; None: 07's agents_needed x 20 (else no limit)
contact_cap = 0  # most customers contacted in this run; 0 means no limit
control_group_share = 0.1  # share of the customers chosen for a marketing action kept as a random control group
n_estimators = 150  # LightGBM trees per model of the learner
learning_rate = 0.05  # LightGBM learning rate
num_leaves = 7  # LightGBM leaves per tree
min_child_samples = 10  # LightGBM smallest leaf
early_stopping_rounds = 0  # 0: off; else a model of at least 1,000 rows stops after this many trees with no held-out gain
n_bags = 10  # X-learners averaged, each with its own seed; their spread says how unsure an effect is
uncertainty_z = 0.5  # send an action only when value x (effect - uncertainty_z x spread) - cost > 0 (0: the mean)
n_bootstrap = 200  # bootstrap resamples for the Qini and policy-value intervals
top_n = 15  # rows of the decision list shown
seed = 42  # random seed for the split, the models, the bootstrap and the control group
output_dir = ""  # run folder for metrics.json; the runner sets it

# %%
import matplotlib.pyplot as plt
from IPython.display import display

from experiments import nba
from experiments.lab import notebook
from experiments.lab.report import safe
from experiments.nba import charts, evaluation, present

run = notebook.start("09_next_best_action", globals())
cfg = nba.Config.from_parameters(run.params)
result = nba.run(cfg)
run.add_input(result.input)
display(present.call_capacity(result))

# %% [markdown]
# ## The answer
#
# How many customers get which action, what it is expected to earn, and how the learned policy did on campaign
# customers it never saw.

# %%
display(present.answer(result))
charts.action_counts(result)
plt.show()

# %% [markdown]
# ## 1. Is the campaign randomized?
#
# Before learning anything from it: the arm sizes against equal shares (sample-ratio mismatch) and the balance of
# every pre-treatment feature between each arm and control.

# %%
display(present.randomization(result))
display(safe.frame(result.tables["arms"]))
display(safe.frame(result.tables["balance"]))

# %% [markdown]
# ## 2. Does the learned ranking find the customers an action moves?
#
# Qini per action on held-out customers (outcome units per customer; 0 is a random ranking), with a bootstrap
# interval, on the outcome minus an arm-blind baseline. Bagged X-learners on LightGBM (a shared baseline taken out
# first) estimate each action's effect per customer; decisions use the mean effect minus `uncertainty_z` x its spread.

# %%
display(safe.frame(present.qini_table(result)))

# %% [markdown]
# ## 3. What each policy is worth
#
# Gain per customer over sending nothing, estimated by inverse-propensity weighting on held-out customers: the
# learned best-action-per-customer policy against sending one action to everyone, against nobody and (company world)
# against 04's driver rule: each held-out customer's action by churn risk tier and main driver as of the send date
# (its 95% bootstrap interval is in metrics.json: `driver_rule_value_ipw_low` / `_high`).

# %%
display(safe.frame(present.policy_table(result)))
charts.policy_values(result)
plt.show()

# %% [markdown]
# ## 4. The decision list
#
# Care first (a customer on the care queue gets a care call, not marketing), then the action with the largest
# expected gain after cost, within consent, call capacity, budget and contact cap; a random control group gets nothing
# and is marked. Published as `next_best_actions`.

# %%
display(safe.frame(present.decisions(result, cfg.top_n), max_chars=120))
result.publish()

# %% [markdown]
# ## 5. Against the planted truth
#
# Company world only: the generator recorded every campaign customer's true incremental spend per action and who is
# a sleeping dog (put off by any contact).

# %%
truth = evaluation.compare_with_planted(result)
display(present.truth_sentence(truth))

# %% [markdown]
# ## Appendix
#
# **metrics.json keys** (all documented in conf/runs.yaml, `09_next_best_action`): `n_campaign_customers`,
# `campaign_srm_p_value`, `balance_max_smd`, `qini_<action>` (with `_low`, `_high`), `policy_value_ipw` (with
# `_low`, `_high`), `best_single_action`, `best_single_action_value_ipw`, `n_actions_<action>`,
# `expected_gain_total`, `control_group_share`, `heldout_irr`, `heldout_nir`, `n_heldout`, `arm_value_<arm>`; on the
# company world `call_capacity_used`, `policy_value_true`, `oracle_value_true`, `sleeping_dogs_contacted_share`.

# %%
run.finish(result.metrics() | (truth or {}))
