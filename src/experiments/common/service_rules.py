"""The company's customer-service rules: facts of the company world, written once.

The synthetic generator plants its service log by these rules (``synthetic/service.py``), the cleaning reads the
service log at the company's local time, and notebook 07's parameters cell starts from the same values (its defaults
stay in that cell, as every notebook's do; ``tests/unit/test_service_rules.py`` checks that they match these facts).

- ``REPLY_TARGETS_MINUTES``: the first-reply target per channel (minutes): chat and hotline 5 minutes, comments 2
  hours, private messages 4 hours, email one day.
- ``HANDLING_MINUTES``: average handling time of an agent per staffed channel (minutes), for Erlang C staffing.
- ``ESCALATION_FAILURE_RUN``, ``ESCALATION_MINUTES``, ``SENSITIVE_KEYWORDS``: when the chatbot must hand a customer
  to a person: this many failed turns in a row, longer than this many minutes with the bot, or a sensitive matter
  (a complaint, a regulator, going public; matched case-insensitively).
- ``UTC_OFFSET_HOURS``: the service team's local time (Beijing, UTC+8).
"""

from __future__ import annotations

from types import MappingProxyType

REPLY_TARGETS_MINUTES = MappingProxyType({"app_chat": 5, "wechat_pm": 240, "weibo_pm": 240, "weibo_comment": 120,
                                          "hotline": 5, "email": 1440})
HANDLING_MINUTES = MappingProxyType({"wechat_pm": 6, "weibo_pm": 6, "weibo_comment": 4, "hotline": 7, "email": 10})
ESCALATION_FAILURE_RUN = 3
ESCALATION_MINUTES = 5.0
SENSITIVE_KEYWORDS = ("投诉", "12315", "消协", "曝光", "complaint", "regulator", "go public")
UTC_OFFSET_HOURS = 8

__all__ = ["ESCALATION_FAILURE_RUN", "ESCALATION_MINUTES", "HANDLING_MINUTES", "REPLY_TARGETS_MINUTES",
           "SENSITIVE_KEYWORDS", "UTC_OFFSET_HOURS"]
