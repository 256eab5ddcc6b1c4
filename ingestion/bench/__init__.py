"""The scale-and-speed benchmark harness (`make bench`, `python -m ingestion.bench`)."""
