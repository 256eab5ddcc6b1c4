"""The tagged fixture repository and its git-only reference, checked against hand computation."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tests.sources.git.tagged_repo import (
    REPOSITORY,
    Reference,
    TaggedRepo,
    git,
    make_tagged_repo,
    reference_from_git,
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[TaggedRepo, Reference]:
    repo = make_tagged_repo(tmp_path_factory.mktemp("tagged") / "tagged")
    return repo, reference_from_git(repo.path, repo.repository)


def test_shape_of_the_history(built: tuple[TaggedRepo, Reference]) -> None:
    repo, ref = built
    assert repo.repository == REPOSITORY == "acme/tagged"
    assert len(repo.commits) == 30
    assert git(repo.path, "rev-list", "--count", "--all") == "30"
    assert git(repo.path, "rev-list", "--count", "--merges", "--all") == "3"  # c08, c15, c23
    assert git(repo.path, "for-each-ref", "--format=%(refname:strip=2)", "refs/heads") == (
        "main\nrelease/1.x"
    )
    assert git(repo.path, "rev-parse", "main") == repo.commits["c30"]
    assert git(repo.path, "rev-parse", "release/1.x") == repo.commits["c24"]
    # the tree tag is not a deployment; the 8 others are
    assert sorted(ref.tag_times) == [
        "v0.1.0",
        "v0.2.0",
        "v1.0.0",
        "v1.0.1",
        "v1.0.2",
        "v1.0.3",
        "v1.1.0",
        "v1.2.0-rc1",
    ]
    # c28..c30 come after the last tag on main: never deployed
    untagged = {repo.commits[c] for c in ("c28", "c29", "c30")}
    assert set(repo.commits.values()) - set(ref.commit_lead_times) == untagged


def test_deterministic(tmp_path: Path, built: tuple[TaggedRepo, Reference]) -> None:
    repo, _ = built
    again = make_tagged_repo(tmp_path / "again")
    assert again.commits == repo.commits  # same dates and identities -> same shas


def test_tag_times(built: tuple[TaggedRepo, Reference]) -> None:
    _, ref = built
    # lightweight v0.1.0: c03's committer date (not its author date 01-07 14:00)
    assert ref.tag_times["v0.1.0"] == datetime(2026, 1, 8, 9, tzinfo=UTC)
    # lightweight v1.0.1: c12 committed 2026-01-23T09:00+01:00 = 08:00 UTC
    assert ref.tag_times["v1.0.1"] == datetime(2026, 1, 23, 8, tzinfo=UTC)
    # annotated v1.0.2: tagger 2026-02-04T16:00+01:00 = 15:00 UTC (c18 was committed 02-03)
    assert ref.tag_times["v1.0.2"] == datetime(2026, 2, 4, 15, tzinfo=UTC)
    # annotated v1.1.0: tagger Sunday 2026-02-15T22:00-05:00 = Monday 02-16 03:00 UTC
    assert ref.tag_times["v1.1.0"] == datetime(2026, 2, 16, 3, tzinfo=UTC)
    assert ref.tag_weeks["v1.1.0"] == date(2026, 2, 16)


def test_deployments_per_week(built: tuple[TaggedRepo, Reference]) -> None:
    _, ref = built
    # tags by UTC week (Monday): 01-05 v0.1.0; 01-12 v0.2.0; 01-19 v1.0.0 + v1.0.1;
    # 01-26 none; 02-02 v1.0.2; 02-09 none (v1.1.0 is Monday 03:00 UTC);
    # 02-16 v1.1.0 + v1.0.3; 02-23 v1.2.0-rc1
    assert ref.deployments_per_week == {
        date(2026, 1, 5): 1,
        date(2026, 1, 12): 1,
        date(2026, 1, 19): 2,
        date(2026, 2, 2): 1,
        date(2026, 2, 16): 2,
        date(2026, 2, 23): 1,
    }


def test_commit_lead_times_by_hand(built: tuple[TaggedRepo, Reference]) -> None:
    repo, ref = built
    c = repo.commits
    # c12 (release, authored 01-22 15:00) is also in main's v1.1.0 after the merge c15, but
    # v1.0.1 (01-23 08:00) deploys it first: 17 h
    assert ref.commit_tags[c["c12"]] == "v1.0.1"
    assert ref.commit_lead_times[c["c12"]] == 17.0
    # c11 (main, authored 01-21 09:00) is not in v1.0.0 (c10) nor v1.0.1 (release): its
    # first tag is v1.1.0 at 02-16 03:00: 26 days (624 h) to 02-16 09:00, minus 6 h = 618 h
    assert ref.commit_tags[c["c11"]] == "v1.1.0"
    assert ref.commit_lead_times[c["c11"]] == 618.0
    # c21 (feature/b, authored 02-10 09:00+02:00 = 07:00 UTC) -> v1.1.0: 6 days - 4 h = 140 h
    assert ref.commit_lead_times[c["c21"]] == 140.0
    # c03 -> lightweight v0.1.0 at its own committer date 01-08 09:00; authored 01-07 14:00
    assert ref.commit_lead_times[c["c03"]] == 19.0
    # c17, c18 live only on release/1.x -> v1.0.2 (02-04 15:00)
    assert ref.commit_tags[c["c17"]] == ref.commit_tags[c["c18"]] == "v1.0.2"


def test_median_lead_time_per_week_by_hand(built: tuple[TaggedRepo, Reference]) -> None:
    _, ref = built
    medians = ref.median_commit_lead_time_hours_per_week
    # week of 01-19: v1.0.0 (01-22 10:00) first deploys c09 (01-19 09:00) 73 h and
    # c10 (01-20 09:00) 49 h; v1.0.1 (01-23 08:00) c12 (01-22 15:00) 17 h.
    # median of [17, 49, 73] = 49
    assert medians[date(2026, 1, 19)] == 49.0
    # week of 02-02: v1.0.2 (02-04 15:00) deploys c17 (02-02 09:00) 54 h and
    # c18 (02-03 11:00) 28 h: an even count, continuous median (28 + 54) / 2 = 41
    assert medians[date(2026, 2, 2)] == 41.0
    # week of 02-16: v1.1.0 (02-16 03:00) first deploys
    #   c11 01-21 09:00 -> 618 h   c13 01-26 10:00 -> 497 h   c14 01-27 10:00 -> 473 h
    #   c15 01-28 10:00 -> 449 h   c16 01-29 10:00 -> 425 h   c19 02-03 14:00 -> 301 h
    #   c20 02-09 10:00 -> 161 h   c21 02-10 07:00 -> 140 h   c22 02-10 17:00 -> 130 h
    #   c23 02-11 10:00 -> 113 h
    # and v1.0.3 (02-16 12:00) c24 02-16 09:00 -> 3 h.
    # 11 values sorted: 3, 113, 130, 140, 161, [301], 425, 449, 473, 497, 618 -> 301
    assert medians[date(2026, 2, 16)] == 301.0
    # weeks without a deployment have no median
    assert date(2026, 1, 26) not in medians and date(2026, 2, 9) not in medians
    assert set(medians) == set(ref.deployments_per_week)
