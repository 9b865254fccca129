"""Notebook 07, service operations: reply times against targets, the chatbot's hand-offs, an early warning on waves
of negative contacts, and the agents next week needs.

The parts (docs/architecture.md):

- ``config``: ``Config.from_parameters(params)``, the notebook's parameters (no defaults here);
- ``sources``: ``load(config) -> Data``, the company world's ``service_contacts`` or a flat table, through the shared
  loader, turned into contacts by ``contacts`` (what a contact is, in a contacts table and in a message log);
- ``analysis``: ``run(config, data=None) -> Result``;
- ``result``: ``Result`` (``.tables``, ``.metrics()``, ``.publish()``: the care queue, company world only);
- ``present`` and ``charts``: the report's sentences, tables and figures;
- ``evaluation``: the planted incident's detection delay and the false alarms (the only reader of the planted truth).

The data steps: ``engine_steps`` (a message log's first replies, the per-channel service levels and the channel x
weekday x hour cube, on the data engine, DuckDB or Spark).

One method each: ``reply_times`` (targets, service levels, time and flag parsing), ``bot`` (escalation rules,
containment, care rows), ``faq_gaps``, ``early_warning``, ``staffing`` (ETS forecast, backtest, Erlang C),
``sentiment`` (inbound sentiment with ``common.sentiment_lexicon``). The company's own service rules (targets,
handling minutes, escalation rules) are ``common.service_rules``.
"""

from experiments.service.analysis import run
from experiments.service.config import Config
from experiments.service.result import Result
from experiments.service.sources import Data, load

__all__ = ["Config", "Data", "Result", "load", "run"]
