"""Customer Insights Lab: the code behind the parameterised notebooks (docs/architecture.md).

Layers: ``common`` (leaf helpers: errors, masking, dates, parameters, the Result protocol), ``data`` (paths, readers,
catalog, contracts, the input loader, atomic publishing, engines), ``synthetic`` (the company world and its planted
truth), ``lab`` (runner, cli, config, run info, metrics, reports and the front page), and one package per analysis
(``overview``, ``cleaning``, ``segments``, ``recommend``, ``churn``, ``feedback``, ``abtest``, ``service``,
``profile``, ``nba``; ``example`` is the template's), each with the same parts.
"""

import warnings

# pandera imports pyspark.pandas when PySpark is installed (the Spark engine), and PySpark 4.x warns on import that
# it does not yet support pandas 3 for its pandas API, which the lab does not use: the warning would print into every
# report that validates a table.
warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)

__version__ = "0.1.0"
