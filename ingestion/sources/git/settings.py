"""Local git repository: git formats, defaults and the typed raw tables of `raw_git`."""

from __future__ import annotations

from ingestion.common.config import Requirement
from ingestion.common.records import Col, TableSpec

NAME = "git"

DEFAULT_BRANCH = "HEAD"
#: what `ai-roi run --all` needs set to run this source (else it skips it)
REQUIRED_CONFIG = (Requirement(("repo_path",)),)
#: rows handed to dlt at a time
DEFAULT_BATCH_SIZE = 20_000
#: bytes read from `git log` per chunk
READ_CHUNK = 1 << 20

FIELD_SEP = "\x1f"
RECORD_SEP = "\x1e"
#: sha, parents, author email, author name, author date, committer date, raw message
LOG_FORMAT = "%H%x1f%P%x1f%ae%x1f%an%x1f%aI%x1f%cI%x1f%B%x1e"
LOG_FIELDS = 7

#: name, object type, object sha, peeled type, peeled sha, tagger date, commit dates
TAG_FORMAT = (
    "%(refname:strip=2)%1f%(objecttype)%1f%(objectname)%1f%(*objecttype)%1f%(*objectname)"
    "%1f%(taggerdate:iso-strict)%1f%(committerdate:iso-strict)%1f%(*committerdate:iso-strict)"
)

#: GitHub's no-reply addresses carry the login after a numeric id: 123+login@users.noreply...
NOREPLY_DOMAIN = "users.noreply.github.com"

COMMITS = TableSpec(
    NAME,
    "commits",
    (
        Col("repository", "text", required=True),
        Col("sha", "text", required=True),
        Col("parent_shas", "text"),
        Col("author_login", "text"),
        Col("author_date", "timestamp", required=True),
        Col("committer_date", "timestamp", required=True),
        Col("message", "text"),
    ),
    primary_key=("repository", "sha"),
)

TAGS = TableSpec(
    NAME,
    "tags",
    (
        Col("repository", "text", required=True),
        Col("name", "text", required=True),
        Col("target_sha", "text", required=True),
        Col("tagged_at", "timestamp"),
        Col("is_annotated", "bool", required=True),
    ),
    primary_key=("repository", "name"),
)
