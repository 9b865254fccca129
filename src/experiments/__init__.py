"""Customer Insights Lab: helpers behind the parameterised notebooks.

Modules hold one idea each: `paths` (where things live), `tables` (reading flat files with clear errors),
`metrics` (the metrics.json contract), `synthetic` (the generated company), `runner` (papermill), `report`
(HTML rendering and the index), and one module per analysis.
"""

__version__ = "0.1.0"
