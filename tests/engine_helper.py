"""The engines every engine-step test runs on: DuckDB always, Spark local where pyspark and a Java runtime are here
(skipped with the reason otherwise; slow, since a JVM starts)."""

from __future__ import annotations

import importlib.util

import pytest

from experiments.data.engine import java_available

SPARK_MISSING = ("pyspark is not installed" if importlib.util.find_spec("pyspark") is None
                 else "no Java runtime (java not on PATH nor under JAVA_HOME); apt-get install default-jre-headless"
                 if not java_available() else "")
ENGINES = [pytest.param("duckdb", id="duckdb"),
           pytest.param("spark", id="spark", marks=[pytest.mark.slow,
                                                    pytest.mark.skipif(bool(SPARK_MISSING), reason=SPARK_MISSING)])]
