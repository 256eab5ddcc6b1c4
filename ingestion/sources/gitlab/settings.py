"""GitLab REST v4: endpoints, defaults and the typed raw tables of `raw_gitlab`."""

from __future__ import annotations

from ingestion.common.config import Requirement

NAME = "gitlab"

DEFAULT_BASE_URL = "https://gitlab.com/api/v4"
TOKEN_ENV_VAR = "GITLAB_TOKEN"
#: what `ai-roi run --all` needs set to run this source (else it skips it): the groups,
#: or the projects to read
REQUIRED_CONFIG = (Requirement(("groups", "projects")),)
