"""The Spark target's session (ingestion/spark): the pseudonym function gives DuckDB's
values, and raw Parquet folders in dlt's layout become tables. Skipped without the Spark
extra (`make test-spark` installs it)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

pytest.importorskip("pyspark")

from ingestion.common.pseudonym import register_udf
from ingestion.spark.raw import register_tables
from ingestion.spark.session import build_session

KEY = "test-key-not-secret"


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory):
    import os

    home = tmp_path_factory.mktemp("spark")
    saved = {k: os.environ.get(k) for k in ("AI_ROI_SPARK_DIR", "AI_ROI_PSEUDONYM_KEY")}
    os.environ["AI_ROI_SPARK_DIR"] = str(home)
    os.environ["AI_ROI_PSEUDONYM_KEY"] = KEY
    session = build_session(home)
    yield session
    session.stop()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def test_pseudonyms_on_spark_equal_duckdbs(spark) -> None:
    con = duckdb.connect()
    register_udf(con, KEY)
    logins = ["Alice", " alice ", "bob@example.com", None]
    expected = [
        row[0]
        for row in con.execute(
            "select ai_roi_pseudonym(v) from unnest(?) with ordinality as t(v, i) order by i",
            [logins],
        ).fetchall()
    ]
    frame = spark.createDataFrame([(i, v) for i, v in enumerate(logins)], "i int, v string")
    frame.createOrReplaceTempView("logins")
    got = [
        row[0] for row in spark.sql("select ai_roi_pseudonym(v) from logins order by i").collect()
    ]
    assert got == expected
    assert got[0] == got[1] and got[3] is None and len(got[0]) == 64


def test_raw_parquet_folders_become_tables(spark, tmp_path: Path) -> None:
    folder = tmp_path / "raw" / "raw_demo" / "widgets"
    folder.mkdir(parents=True)
    duckdb.execute(
        f"copy (select 1 as id, 'a' as name union all select 2, 'b') to '{folder / 'part-0.parquet'}'"
    )
    (tmp_path / "raw" / "raw_demo" / "_dlt_loads").mkdir()
    assert register_tables(spark, tmp_path / "raw") == ["raw_demo.widgets"]
    rows = spark.sql("select id, name from raw_demo.widgets order by id").collect()
    assert [(r.id, r.name) for r in rows] == [(1, "a"), (2, "b")]
