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
# # 07 Service operations: are we answering in time, is anything blowing up, how many people next week?
#
# For the customer-service manager: reply times against each channel's target, when the chatbot must hand a
# customer to a person, an early warning on waves of negative contacts, and the agents next week needs. By default
# it reads the company world's `service_contacts` (cleaned by `01_data_cleaning`); point `input_path` at your own
# contacts table (`opened_col` + `first_reply_col`) or message log (`reply_to_col` + `inbound_col`).
#
# **metrics.json keys** (all in README and conf/runs.yaml): `share_within_target`, `median_reply_minutes`,
# `bot_containment_rate`, `n_escalated`, `n_alerts`, `incident_detection_delay_days` (company world),
# `forecast_mase`, `agents_needed_next_week`, and per-channel and per-rule families.

# %% tags=["parameters"]
# Parameters (papermill injects overrides below this cell; nothing is computed here)
input_path = ""  # CSV, Parquet or Excel contacts table or message log; empty means the company world
input_encoding = ""  # text encoding of a CSV input_path; empty means detect it
input_sheet = ""  # Excel sheet of input_path; empty means the first sheet
contact_id_col = "conversation_id"  # column identifying a contact (a message id in a message log)
channel_col = "channel"  # channel of the contact (in a message log: the replying account, e.g. the brand)
opened_col = "opened_at"  # when the customer wrote (in a message log: every message's time)
first_reply_col = "first_reply_at"  # first reply time; empty when reply_to_col + inbound_col are given
reply_to_col = ""  # message log: the id of the message a message answers; empty for a contacts table
inbound_col = ""  # message log: true for customer messages, false for replies
resolved_col = "resolved_at"  # optional: when the contact was resolved
customer_col = "customer_id"  # optional: the customer (needed for the care queue)
text_col = "text"  # optional: the customer's message (sensitive-matter rule, negative contacts)
reply_targets = {"weibo_comment": 120, "wechat_pm": 240, "weibo_pm": 240, "email": 1440, "hotline": 5, "app_chat": 5, "default": 240}  # minutes per channel; default for the others
utc_offset_hours = 8  # local time of the service team (weekday, hour, day boundaries); times are read as UTC
escalate_failure_run = 3  # escalate when the bot fails this many turns in a row
escalate_minutes = 5.0  # escalate when the customer has been with the bot longer than this
sensitive_keywords = ["投诉", "12315", "消协", "曝光", "complaint", "regulator", "go public"]  # escalate on any (case-insensitive)
care_window_days = 14  # unresolved escalations of the last days go to the care queue
negative_keywords = ["太慢", "不满意", "太差", "失望", "没到", "不动", "投诉", "12315", "消协", "曝光", "unhappy", "terrible", "disappointed", "too slow", "late", "stuck", "complaint", "regulator", "go public"]  # a negative contact's text has one of these, or its satisfaction is 1 or 2
baseline_days = 28  # days of history behind each day's expected count
alert_alpha = 0.001  # alert when the upper-tail probability of the count under the baseline is below this
min_alert_count = 3  # never alert on fewer negative contacts than this
alert_dispersion = 0.0  # 0 means Poisson limits; above 0 a negative binomial, variance mu + dispersion x mu^2
forecast_days = 28  # days to forecast
backtest_origins = 3  # rolling origins of the backtest (each forecast_days long, 14 days apart)
aht_minutes = {"wechat_pm": 6, "weibo_pm": 6, "weibo_comment": 4, "hotline": 7, "email": 10}  # handling minutes per staffed channel
service_level_target = 0.8  # share of contacts to answer within the channel's target (Erlang C)
min_channel_contacts = 20  # channels with fewer contacts are listed but never called the weakest
seed = 42  # random seed (nothing here is random; kept for the run info)
output_dir = ""  # run folder for metrics.json; the runner sets it

# %%
import contextlib
import io
import json

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from experiments.data import inputs, paths, processed
from experiments.lab import notebook
from experiments.lab.report import safe
from experiments.service import analyse, bot, contacts, present, reply_times, svc_charts

with contextlib.redirect_stdout(io.StringIO()):
    run = notebook.start("07_service_operations", globals())
    role_cols, optional = contacts.roles(contact_id_col, channel_col, opened_col, first_reply_col, reply_to_col,
                                         inbound_col, resolved_col, customer_col, text_col)
    table = inputs.load_input(input_path, role_cols, optional=optional, encoding=input_encoding, sheet=input_sheet,
                              company="service_contacts")
    run.add_input(table)
truth_path = paths.raw_dir() / "_truth" / "service.json"
incident = (json.loads(truth_path.read_text(encoding="utf-8"))["incident"]
            if table.is_company_world and truth_path.is_file() else None)
cfg = analyse.ServiceConfig(
    reply_targets=reply_targets, utc_offset_hours=utc_offset_hours, escalate_failure_run=escalate_failure_run,
    escalate_minutes=escalate_minutes, sensitive_keywords=sensitive_keywords, care_window_days=care_window_days,
    negative_keywords=negative_keywords, baseline_days=baseline_days, alert_alpha=alert_alpha,
    min_alert_count=min_alert_count, alert_dispersion=alert_dispersion, forecast_days=forecast_days,
    backtest_origins=backtest_origins, aht_minutes=aht_minutes, service_level_target=service_level_target,
    min_channel_contacts=min_channel_contacts, incident=incident)
r = analyse.analyse(contacts.build(table), cfg)
display(safe.md("Run info: {src}, {n:,} rows, data fingerprint {fp}, git {git}.", src=table.source, n=table.rows,
                fp=table.fingerprint, git=run.info["git_revision"]))

# %% [markdown]
# ## The answer first

# %%
display(present.headline(r, service_level_target))
display(present.skipped(r))

# %% [markdown]
# ## 1. Reply times against targets, by channel
#
# Each contact's first reply against its channel's target (`reply_targets`, minutes); a contact with no reply counts
# as a breach. Worst channel first.

# %%
display(safe.frame(r.levels.round({"median_minutes": 1, "p90_minutes": 1, "share_within_target": 3})))

# %% [markdown]
# ## 2. When we miss: weekday and hour
#
# Share within target by channel (the 12 busiest) and local weekday (a channel much worse on weekends is
# short-staffed then; weekend gaps need `min_channel_contacts` / 2 contacts on each side), and the
# channel-hours with the lowest share (overnight messages wait for the morning shift).

# %%
worst = r.weekend.index[0] if len(r.weekend) else None
svc_charts.share_heatmap(r.weekday, f"{worst} drops to {r.weekend['weekend'].iloc[0]:.0%} within target on weekends"
                         if worst is not None else "Share within target by weekday")
plt.show()
display(safe.frame(r.weekend.round(3)))
display(safe.frame(reply_times.worst_hours(r.contacts).round(3)))

# %% [markdown]
# ## 3. The worst breaches, and what slow replies cost in satisfaction

# %%
display(safe.frame(r.breaches.head(10).round({"reply_minutes": 1, "over_by_minutes": 1})))
if r.satisfaction is not None:
    display(safe.frame(r.satisfaction.round(2)))
    display(safe.md("Spearman correlation of satisfaction with reply time / target: {rho:.2f}.",
                    rho=r.metrics["satisfaction_reply_spearman"]))

# %% [markdown]
# ## 3b. How customers feel when they write
#
# The sentiment of each inbound message with the feedback notebook's lexicon model (VADER for English, the Chinese
# lexicon for Chinese), per channel, with the median reply time of negative and of other customers.

# %%
if r.sentiment is not None:
    display(safe.frame(r.sentiment.round(3).head(15)))

# %% [markdown]
# ## 4. The bot: containment, hand-offs and escalations
#
# Contained = resolved without a person. The escalation rules (parameters): `escalate_failure_run` failures in a
# row, more than `escalate_minutes` with the bot, or a sensitive matter (`sensitive_keywords`). Unresolved
# escalations of the last `care_window_days` join the care queue (`source` = the rule that fired).

# %%
if r.bot:
    display(safe.frame(present.bot_table(r.bot)))
    if r.care is not None:
        display(safe.frame(r.care.drop(columns=["texts"]).head(10)))

# %% [markdown]
# ## 5. Where the bot's knowledge runs out
#
# Topics ranked by bot conversations x share of turns the bot could not answer: the top one is the FAQ article to
# write first.

# %%
if r.gaps is not None:
    svc_charts.faq_gap_chart(r.gaps, f"The bot fails {r.gaps['failure_rate'].iloc[0]:.0%} of turns on "
                                     f"{r.gaps.index[0]}: the first FAQ to write")
    plt.show()
    display(safe.frame(r.gaps.round(3)))

# %% [markdown]
# ## 6. Early warning: is a wave of negative contacts starting?
#
# Negative contacts per day, channel and topic against a seasonal baseline (the channel's volume that day x the
# topic's negative share over the previous `baseline_days`), alerting when the count is improbably high under
# Poisson limits (`alert_alpha`). The false-alarm rate is measured over the incident-free days.

# %%
if r.alerts is not None:
    top = r.metrics["alert_top_topic"] or (incident or {}).get("topic") or r.scored["topic"].iloc[0]
    delay = r.metrics.get("incident_detection_delay_days")
    title = (f"{top}: incident flagged {delay} day(s) after it began" if delay is not None
             else f"Negative {top} contacts against their baseline")
    svc_charts.alert_timeline(r.scored, top, title, (incident["start"], incident["end"]) if incident else None)
    plt.show()
    display(safe.frame(r.alerts.head(15).round({"expected": 2, "ratio": 1})))
    display(safe.md("False alarms over the incident-free days: {fa:.3%} of channel-topic-days; days with any "
                    "alert: {fd:.1%}.", fa=r.metrics["false_alarm_rate"], fd=r.metrics["false_alarm_day_share"]))

# %% [markdown]
# ## 7. Staffing: the next four weeks
#
# ETS(A,N,A) (additive error, no trend, weekly seasonality) forecasts daily contacts with 90% intervals; a
# rolling-origin backtest compares it with the seasonal-naive forecast by MASE (below 1 beats the naive
# one-week-back forecast in sample). Each channel gets its share of the weekday over the last four weeks; agents per
# day: Erlang C on the channel's busiest hour with `aht_minutes` and the channel's reply target.

# %%
if r.future is not None:
    total = r.daily.sum(axis=1)
    svc_charts.forecast_chart(total.iloc[-84:], r.holdout, r.future,
                              f"ETS MASE {r.metrics['forecast_mase']:.2f} vs seasonal naive "
                              f"{r.metrics['forecast_mase_seasonal_naive']:.2f} over {len(r.backtest)} origins")
    plt.show()
    display(safe.frame(r.backtest.round({"mase_ets": 3, "mase_seasonal_naive": 3})))
    week = r.plan[r.plan["day"] < r.plan["day"].min() + pd.Timedelta(days=7)]
    display(safe.frame(week.pivot_table(index="day", columns="channel", values="agents", aggfunc="sum")))

# %% [markdown]
# ## 8. Publish the escalations to the care queue
#
# The feedback notebook's care queue (`care_queue.parquet`) keeps its rows unchanged; the service escalations are
# added with `source` = the rule. Without that table the queue holds the escalations alone. Company world only.

# %%
if table.is_company_world and r.care is not None:
    existing_path = processed.current_dir() / "care_queue.parquet"
    existing = pd.read_parquet(existing_path) if existing_path.is_file() else None
    queue = bot.join_care_queue(existing, r.care)
    processed.publish_results({"care_queue": queue}, company_world=True)
    display(safe.md("Care queue published: {n:,} rows, {m:,} from service escalations.", n=len(queue), m=len(r.care)))

# %% [markdown]
# ## Verdict

# %%
display(present.headline(r, service_level_target))

# %%
run.finish(r.metrics)
