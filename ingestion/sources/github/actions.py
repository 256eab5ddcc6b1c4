"""Runs of the GitHub Actions workflows that deploy or release (for teams that do not use
the Deployments API): the workflows whose name or path matches `actions_workflow_pattern`."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, timedelta
from functools import partial
from typing import Any

import dlt

from ingestion.common.records import parse_timestamp
from ingestion.sources.github import settings
from ingestion.sources.github.helpers import paginate_wrapped, row_digest, with_repo
from ingestion.sources.github.repositories import Family, Repositories

Rows = list[dict[str, Any]]


class WorkflowRuns(Family):
    """Runs of the deploy/release workflows, new or changed since the last run."""

    def __init__(
        self, repos: Repositories, workflow_pattern: re.Pattern[str] | None = None
    ) -> None:
        super().__init__(repos)
        #: workflows whose runs `workflow_runs` reads (matched on name or file path)
        self.workflow_pattern = workflow_pattern or re.compile(
            settings.DEFAULT_ACTIONS_WORKFLOW_PATTERN, re.IGNORECASE
        )

    def workflow_runs(self) -> Iterator[Rows]:
        """Runs of the workflows matching `workflow_pattern`, new or changed since last run.

        State per repository and workflow: each listed run's creation time, row digest and
        status, for the runs from the listing floor on. The floor is the newest run's
        creation minus `WORKFLOW_RUNS_LOOKBACK_DAYS`, or the earliest run not `completed`
        if that is earlier; the next run lists from the floor's day (`created=>=`), so a
        run still in progress is re-read until it completes, and a run whose digest did
        not change is not loaded again.
        """
        state = dlt.current.resource_state().setdefault("repositories", {})
        spec = settings.WORKFLOW_RUNS_TABLE
        for repo in self.repos.all():
            name = repo["full_name"]
            workflows = self._matching_workflows(name)
            known = state.setdefault(name, {})
            listed = self.clients.map(partial(self._fetch_runs, name, known), workflows)
            rows: Rows = []
            for workflow, items in zip(workflows, listed, strict=True):
                wid = str(workflow["workflow_id"])
                before = (known.get(wid) or {}).get("runs") or {}
                runs: dict[str, list[Any]] = {}
                changed: dict[int, dict[str, Any]] = {}
                for item in items:
                    raw = item
                    if isinstance(item, Mapping):
                        raw = with_repo(
                            item,
                            name,
                            name=workflow["name"] or item.get("name"),
                            path=workflow["path"] or item.get("path"),
                            workflow_id=item.get("workflow_id") or workflow["workflow_id"],
                        )
                    row = spec.shape(raw)
                    digest = row_digest(row)
                    key = str(row["id"])
                    runs[key] = [row["created_at"].isoformat(), digest, row["status"]]
                    if (before.get(key) or [None, None])[1] != digest:
                        changed[row["id"]] = row
                known[wid] = {"runs": _runs_in_window(runs)}
                rows.extend(changed.values())
            self.progress.add("workflow_runs", len(rows))
            if rows:
                yield rows

    def _matching_workflows(self, repo: str) -> Rows:
        """The repository's workflows whose name or path matches the pattern (shaped)."""
        matching: Rows = []
        path = settings.WORKFLOWS.format(repo=repo)
        for page in paginate_wrapped(
            self.clients.api, path, {"per_page": self.per_page}, "workflows"
        ):
            for item in page:
                workflow = settings.ACTIONS_WORKFLOW.shape(item)
                if any(
                    self.workflow_pattern.search(workflow[field] or "")
                    for field in ("name", "path")
                ):
                    matching.append(workflow)
        return matching

    def _fetch_runs(self, repo: str, known: dict[str, Any], workflow: dict[str, Any]) -> Rows:
        """A workflow's runs created from the floor day of its state in `known` (the
        repository's state) on; all of them at first."""
        params: dict[str, Any] = {"per_page": self.per_page}
        floor = _runs_floor((known.get(str(workflow["workflow_id"])) or {}).get("runs") or {})
        if floor is not None:
            params["created"] = f">={floor.isoformat()}"
        path = settings.WORKFLOW_RUNS.format(repo=repo, workflow_id=workflow["workflow_id"])
        items: Rows = []
        for page in paginate_wrapped(self.clients.api, path, params, "workflow_runs"):
            items.extend(page)
        return items


def _runs_floor(runs: Mapping[str, Sequence[Any]]) -> date | None:
    """The day from which a workflow's runs are listed again (None: list them all).

    The newest known run's creation minus the lookback, or the earliest run not yet
    completed if that is earlier.
    """
    if not runs:
        return None
    created = [(parse_timestamp(values[0]), values[2]) for values in runs.values()]
    lookback = timedelta(days=settings.WORKFLOW_RUNS_LOOKBACK_DAYS)
    newest = max(when for when, _ in created) - lookback
    still_open = [when for when, status in created if status != settings.WORKFLOW_RUN_DONE]
    return min([newest, *still_open]).date()


def _runs_in_window(runs: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """The listed runs the next listing will see again (from its floor day on)."""
    floor = _runs_floor(runs)
    return {
        key: values
        for key, values in runs.items()
        if floor is None or parse_timestamp(values[0]).date() >= floor
    }
