"""The Spark target (profiles.yml `spark`, dbt-spark `method: session`): a local Spark
session with a Hive metastore under warehouse/spark/, the raw tables as Parquet files
written by dlt's filesystem destination from the validated DuckDB raw tables (layout
`<dataset>/<table>/*.parquet`, `ingestion.spark.raw`) registered as external tables,
and the person-pseudonym function registered in the session so the key never reaches SQL.

Install with `make setup-spark` (requirements-spark.lock). README: Running on Spark / Databricks.
"""
