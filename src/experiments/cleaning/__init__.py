"""Data cleaning and the customer-360 view (notebook 01).

Modules, one idea each: ``standardise`` (dates, phones, emails, names), ``rules`` (impossible values and their
actions), ``quarantine`` (rows that cannot be repaired, reconciliation), ``sources`` (raw files of the company world),
``people`` (customer records), ``orders`` (order lines), ``flat`` (a flat order-lines table such as Online Retail),
``impute`` (missing values), ``entity_resolution`` (splink), ``survivorship`` (golden records + lineage),
``evaluate`` (pair precision/recall/F1), ``pipeline`` (the whole clean), ``privacy`` (masking), ``quality`` (report
tables), ``charts`` (figures).
"""
