"""dbt Python models on the local Spark session.

dbt-spark runs Python models only on Databricks clusters (`all_purpose_cluster`,
`job_cluster`). For `method: session` this adds a `session` submission method that runs
the compiled model in this process with the same SparkSession (the model's code, then
dbt-spark's own write: `saveAsTable` in the configured file format), and makes it the
default for session connections. Installed by `ingestion.spark.__main__.run_dbt`.
"""

from __future__ import annotations

from typing import Any


class SessionPythonJobHelper:
    """Executes a compiled dbt Python model with the active SparkSession bound to `spark`."""

    def __init__(self, parsed_model: dict, credentials: Any) -> None:
        self.parsed_model = parsed_model

    def submit(self, compiled_code: str) -> None:
        from pyspark.sql import SparkSession

        session = SparkSession.getActiveSession() or SparkSession.builder.getOrCreate()
        name = self.parsed_model.get("name", "python_model")
        exec(compile(compiled_code, f"<dbt python model {name}>", "exec"), {"spark": session})


def install() -> None:
    """Register the `session` submission method on dbt-spark's adapter (idempotent)."""
    from dbt.adapters.spark.impl import SparkAdapter

    if getattr(SparkAdapter, "_ai_roi_session_python", False):
        return
    # The ignores below are for a checker that sees dbt-spark (the optional Spark extra): it
    # types these class-level properties by their getters' results and refuses the patch. In
    # the default environment dbt-spark is not installed, SparkAdapter is Any and the
    # ignores are unused, hence `unused-ignore` in each.
    helpers = SparkAdapter.python_submission_helpers.fget  # type: ignore[attr-defined, unused-ignore]
    default = SparkAdapter.default_python_submission_method.fget  # type: ignore[attr-defined, unused-ignore]

    def python_submission_helpers(self: Any) -> dict[str, Any]:
        return {**helpers(self), "session": SessionPythonJobHelper}

    def default_python_submission_method(self: Any) -> str:
        method = getattr(self.config.credentials, "method", None)
        return (
            "session"
            if str(method) in ("session", "SparkConnectionMethod.SESSION")
            else default(self)
        )

    SparkAdapter.python_submission_helpers = property(python_submission_helpers)  # type: ignore[method-assign, assignment, unused-ignore]
    SparkAdapter.default_python_submission_method = property(default_python_submission_method)  # type: ignore[method-assign, assignment, unused-ignore]
    SparkAdapter._ai_roi_session_python = True  # type: ignore[attr-defined, unused-ignore]
