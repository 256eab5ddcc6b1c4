"""ai_roi ingestion: dlt sources, Great Expectations checks, the demo organisation and the CLI."""
