"""Data cleaning and the customer-360 view (notebook 01), in the one shape of docs/architecture.md.

- ``config``: ``Config.from_parameters(params)``: notebook 01's parameters as settings (no defaults of its own);
- ``sources``: ``load(config) -> Data``: the company world's raw sources (``conf/catalog.yaml``) or a flat
  order-lines table through ``data.inputs.load_input``;
- ``analysis``: ``run(config, data=None) -> Result``: the whole clean;
- ``result``: ``Result`` (``tables``, ``metrics()``, ``publish()``: contract tables, lineage and quarantine files
  as one atomic version);
- ``present`` and ``charts``: the report's text, tables and figures;
- ``evaluation``: pair precision/recall/F1 of the merge against the planted truth (its only reader).

Methods, one idea each: ``standardise`` (phones, emails, names; dates re-exported from ``common.dates``), ``rules``
(impossible values and their actions), ``quarantine`` (rows that cannot be repaired, reconciliation), ``people``
(customer records), ``orders`` (order lines), ``order_lines`` (a flat order-lines table such as Online Retail),
``service_contacts``, ``impute`` (missing values), ``entity_resolution`` (splink), ``survivorship`` (golden records
+ lineage), ``privacy`` (masked views). ``pipeline`` is an old import path for other packages' tests only.
"""

from experiments.cleaning.analysis import run
from experiments.cleaning.config import Config
from experiments.cleaning.result import Result
from experiments.cleaning.sources import load

__all__ = ["Config", "Result", "load", "run"]
