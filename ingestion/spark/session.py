"""One local Spark session for dbt-spark's `session` method.

dbt-spark's session connection calls `SparkSession.builder.enableHiveSupport().getOrCreate()`,
so a session built here first (same process) is the one dbt uses: its metastore, warehouse
folder and the `ai_roi_pseudonym` function registered on it.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

from ingestion.common.pseudonym import UDF_NAME, load_key, pseudonym

#: where the Spark target keeps its metastore, tables and raw Parquet (env overrides)
SPARK_HOME_ENV = "AI_ROI_SPARK_DIR"
DEFAULT_SPARK_DIR = Path("warehouse/spark")


def spark_dir(project_dir: Path | None = None) -> Path:
    base = Path(project_dir or Path.cwd())
    configured = os.environ.get(SPARK_HOME_ENV)
    path = Path(configured) if configured else base / DEFAULT_SPARK_DIR
    return path.resolve()


def raw_dir(project_dir: Path | None = None) -> Path:
    """Where the raw tables live as Parquet: `<raw_dir>/<dataset>/<table>/*.parquet`."""
    return spark_dir(project_dir) / "raw"


def build_session(project_dir: Path | None = None, *, register_pseudonym: bool = True) -> Any:
    """The local session (created once per process) with the pseudonym UDF registered."""
    from pyspark.sql import SparkSession

    # timestamps collected into Python are read in the process's zone: UTC, like the marts
    os.environ["TZ"] = "UTC"
    time.tzset()
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    # Spark's Python workers (the pseudonym UDF) run this interpreter, with this venv
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    home = spark_dir(project_dir)
    home.mkdir(parents=True, exist_ok=True)
    cores = os.environ.get("AI_ROI_SPARK_CORES", "2")
    builder = (
        SparkSession.builder.appName("ai_roi")
        .master(f"local[{cores}]")
        .enableHiveSupport()
        .config("spark.sql.warehouse.dir", str(home / "tables"))
        .config(
            "spark.hadoop.javax.jdo.option.ConnectionURL",
            f"jdbc:derby:;databaseName={home / 'metastore_db'};create=true",
        )
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={home}")
        .config("spark.driver.memory", os.environ.get("AI_ROI_SPARK_DRIVER_MEMORY", "4g"))
        # small data on few cores: few shuffle partitions, no UI, no adaptive re-planning cost
        .config("spark.sql.shuffle.partitions", os.environ.get("AI_ROI_SPARK_PARTITIONS", "4"))
        .config("spark.default.parallelism", cores)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.ansi.enabled", "false")
        .config("spark.sql.legacy.timeParserPolicy", "CORRECTED")
    )
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    if register_pseudonym:
        register_pseudonym_udf(session, project_dir)
    return session


def register_pseudonym_udf(session: Any, project_dir: Path | None = None) -> None:
    """`ai_roi_pseudonym(string) -> string` in the session: HMAC-SHA256 with the project's
    key (ingestion.common.pseudonym), the same values as DuckDB's function. The key stays
    in this Python process; compiled SQL only names the function."""
    from pyspark.sql.functions import udf

    key = load_key(project_dir)

    def apply(value: str | None) -> str | None:
        # shipped to Spark's Python workers by pickling (the key travels with the function,
        # never through SQL)
        return pseudonym(value, key)

    session.udf.register(UDF_NAME, udf(apply, "string", useArrow=True))
