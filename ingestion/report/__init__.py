"""The analyst and BI surface: the HTML report, the Parquet export and the MetricFlow CLI."""

from ingestion.report.report import write_report

__all__ = ["write_report"]
