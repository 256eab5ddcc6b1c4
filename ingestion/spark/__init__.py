"""The Spark target (profiles.yml `spark`, dbt-spark `method: session`): a local Spark
session with a Hive metastore under warehouse/spark/, the raw tables as Parquet files
(dlt's filesystem layout `<dataset>/<table>/*.parquet`) registered as external tables,
and the person-pseudonym function registered in the session so the key never reaches SQL.

Install with `make setup-spark` (requirements-spark.lock). README: Running on Spark / Databricks.
"""
