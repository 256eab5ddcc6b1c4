"""A GitLab team end to end: the gitlab source (served by FakeApi in GitLab's shapes,
tests/sources/gitlab/scenario.py) and the drop folder, then a full build: the GitLab
project's deployments, merge requests and lineage reach the same marts as GitHub's."""

from __future__ import annotations

from pathlib import Path

import duckdb

from ingestion.orchestrate import build, ingest
from tests.sources.files.samples import one_team, write_folder
from tests.sources.gitlab import scenario
from tests.support.fake_api import FakeApi

TEAM = "api-team"


def _files(folder: Path) -> Path:
    return write_folder(
        folder,
        one_team(
            TEAM, ["octo", "mona", "reviewer", "reviewer2", "carol"], "acme/api", "2026-02-01"
        ),
    )


def test_a_gitlab_project_fills_the_delivery_marts(warehouse: Path, tmp_path: Path) -> None:
    with FakeApi() as api:
        scenario.script(api)
        ingest(
            "gitlab",
            {
                "groups": ["acme"],
                "base_url": f"{api.url}{scenario.API}",
                "private_token": scenario.TOKEN,
                "workers": 2,
            },
            db_path=warehouse,
            printer=lambda _line: None,
        )
    ingest(
        "files",
        {"path": str(_files(tmp_path / "files"))},
        db_path=warehouse,
        printer=lambda _l: None,
    )
    build(db_path=warehouse, printer=lambda _line: None)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        # by hand (scenario.delivery): production deployments 501 (success, 02-10 13:05) and
        # 601 (eu-live, a production-tier environment: failed, 02-10 14:00); 502 still
        # running. Both finished in the ISO week of 2026-02-09. Both failed: 601 by its status,
        # 501 because incident issue 7001 (label Incident, opened 02-11 10:30) is attributed
        # to it: the team's latest successful deployment within 72 h before the incident.
        weeks = con.execute(
            "select week_start, production_deployments, successful_deployments, failed_deployments "
            "from marts.fct_delivery_team_weekly where team_name = ? and production_deployments > 0",
            [TEAM],
        ).fetchall()
        assert [(str(w), p, s, f) for w, p, s, f in weeks] == [("2026-02-09", 2, 1, 2)]
        links = con.execute(
            "select incident_source, link_method, deployment_id "
            "from intermediate.int_incidents_joined_to_deployments"
        ).fetchall()
        assert links == [("gitlab_issue", "attribution_window", "-501")]
        sources = con.execute(
            "select distinct deployment_source from intermediate.int_deployments_production"
        ).fetchall()
        assert sources == [("deployments_api",)]
        # merge requests !11 and !12 were merged: two rows of lineage, both GitLab's
        platforms = con.execute(
            "select platform, count(*) from intermediate.int_pull_requests_unioned "
            "where merged_at is not null group by 1"
        ).fetchall()
        assert platforms == [("gitlab", 2)]
        assert con.execute("select count(*) from restricted.fct_change_lineage").fetchone()[0] == 2
