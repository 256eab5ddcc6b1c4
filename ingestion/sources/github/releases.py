"""Releases and tags: the deployment signals of teams that release or tag what they ship."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from functools import partial
from typing import Any

import dlt

from ingestion.common.errors import SourceError
from ingestion.sources.github import settings
from ingestion.sources.github.helpers import (
    is_empty_repository_error,
    row_digest,
    tag_name,
    with_repo,
)
from ingestion.sources.github.repositories import Family

Rows = list[dict[str, Any]]


class Releases(Family):
    """Every release of each repository, loaded only when it changed."""

    def releases(self) -> Iterator[Rows]:
        """Every release of each repository, loaded only when its fields changed (digest)."""
        digests: dict[str, str] = dlt.current.resource_state().setdefault("digests", {})
        spec = settings.RELEASES_TABLE
        for repo in self.repos.all():
            name = repo["full_name"]
            rows: Rows = []
            path = settings.RELEASES.format(repo=name)
            for page in self.clients.api.paginate_link(path, {"per_page": self.per_page}):
                for item in page:
                    row = spec.shape(with_repo(item, name))
                    digest = row_digest(row)
                    if digests.get(str(row["id"])) != digest:
                        digests[str(row["id"])] = digest
                        rows.append(row)
            self.progress.add("releases", len(rows))
            if rows:
                yield rows


class Tags(Family):
    """Each repository's tag set, loaded only when it changed."""

    def tags(self) -> Iterator[Rows]:
        """Each repository's whole tag set, loaded only when it changed.

        State per repository: each tag's ref object SHA with what it resolved to (peeled
        target commit, date, annotated or not), so only a new or moved tag costs a request
        (its tag object, or its commit for a lightweight tag); and a digest of the set.
        """
        state = dlt.current.resource_state()
        resolved: dict[str, Any] = state.setdefault("resolved", {})
        digests: dict[str, str] = state.setdefault("digests", {})
        spec = settings.TAGS_TABLE
        for repo in self.repos.all():
            name = repo["full_name"]
            try:
                refs = [
                    settings.TAG_REF.shape(item)
                    for page in self.clients.api.paginate_link(settings.TAG_REFS.format(repo=name))
                    for item in page
                ]
            except SourceError as exc:
                if not is_empty_repository_error(exc):
                    raise
                continue
            known: dict[str, list[Any]] = resolved.get(name) or {}
            todo = [
                ref
                for ref in refs
                if (known.get(tag_name(ref["ref"])) or [None])[0] != ref["object__sha"]
            ]
            found = dict(
                zip(
                    (ref["ref"] for ref in todo),
                    self.clients.map(partial(self._resolve_tag, name), todo),
                    strict=True,
                )
            )
            rows: Rows = []
            current: dict[str, list[Any]] = {}
            for ref in refs:
                tag = tag_name(ref["ref"])
                target, tagged_at, annotated = (
                    found[ref["ref"]] if ref["ref"] in found else known[tag][1:]
                )
                if annotated is None:  # a tag of a tree or blob: not a release of code
                    current[tag] = [ref["object__sha"], None, None, None]
                    continue
                row = spec.shape(
                    {
                        "repository_full_name": name,
                        "name": tag,
                        "target_sha": target,
                        "tagged_at": tagged_at,
                        "is_annotated": annotated,
                    }
                )
                rows.append(row)
                when = row["tagged_at"].isoformat() if row["tagged_at"] else None
                current[tag] = [ref["object__sha"], row["target_sha"], when, row["is_annotated"]]
            resolved[name] = current
            digest = hashlib.sha1(
                repr(sorted((tag, *values) for tag, values in current.items())).encode()
            ).hexdigest()
            if digests.get(name) == digest:
                self.progress.add("tags", 0)
                continue
            digests[name] = digest
            self.progress.add("tags", len(rows))
            if rows:
                yield rows

    def _resolve_tag(self, repo: str, ref: dict[str, Any]) -> list[Any]:
        """[target commit SHA, tagged_at, annotated] of one tag ref.

        Annotated (`object.type == "tag"`): the tag object's tagger date, its object peeled
        to the commit. Lightweight (`commit`): the commit's committer date. A tag of a tree
        or a blob (as the git source, skipped): [None, None, None].
        """
        sha, kind = ref["object__sha"], ref["object__type"]
        api = self.clients.api
        if kind == "tag":
            tag = api.get_json(settings.TAG_OBJECT.format(repo=repo, sha=sha))
            tagged_at = _dig(tag, "tagger", "date")
            target = _dig(tag, "object", "sha")
            for _ in range(settings.MAX_TAG_PEEL):  # a tag of a tag: peel to the commit
                if _dig(tag, "object", "type") != "tag" or not isinstance(target, str):
                    break
                tag = api.get_json(settings.TAG_OBJECT.format(repo=repo, sha=target))
                target = _dig(tag, "object", "sha")
            if _dig(tag, "object", "type") in settings.NOT_COMMITS:
                return [None, None, None]
            return [target, tagged_at, True]
        if kind in settings.NOT_COMMITS:
            return [None, None, None]
        commit = api.get_json(settings.COMMIT.format(repo=repo, sha=sha))
        return [sha, _dig(commit, "commit", "committer", "date"), False]


def _dig(value: Any, *path: str) -> Any:
    for part in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value
