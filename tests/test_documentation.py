"""The documentation is complete and self-contained.

- Every model, source table and column of the warehouse is documented (issue 6): each
  column that exists in a built relation of the demo warehouse has a non-empty description
  in the dbt manifest, and so does every model and source table (slow: needs the demo).
- The definitions live inside the repository (issue 16): no tracked file points to a
  document outside it, every section of docs/metrics.md that a file cites is one of its
  headings, and every dbt doc() reference has its doc block (fast: files only).
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ingestion.orchestrate import dbt

PACKAGE = "ai_roi"
REPO = Path(__file__).resolve().parents[1]
METRICS_DOC = "docs/" + "metrics.md"  # split so this file cites nothing itself

# References to documents that a clone of the repository does not contain (the patterns
# are assembled from pieces so that this file does not match them itself).
OUTSIDE_REFERENCES = re.compile(
    "|".join(
        [
            "METRICS" + r"\.md",
            "STYLE" + r"\.md",
            "shared" + "/spec",
            r"\.\./" + "shared",
            "/" + "work/",
        ]
    )
)
# A citation: the reference's path, then a comma, or a space and a capital or a quote; the
# text after it names a section (", Layer 2", " Phases", ', "Impact: AI-enabled vs control"').
CITATION = re.compile(
    re.escape(METRICS_DOC) + r'(?P<sep>,\s*|\s+)(?=(?P<rest>"[^"]+"|\S[^\n]{0,80}))'
)
ANCHOR = re.compile(re.escape(METRICS_DOC) + r"#(?P<anchor>[\w-]+)")
# a line break inside a comment or a wrapped YAML string, with the next line's comment marker
LINE_BREAK = re.compile(r"\n[ \t]*(?:#+|--|//|\*)?[ \t]*")
DOC_REF = re.compile(r"""\bdoc\(\s*['"](?P<name>\w+)['"]\s*\)""")
DOC_BLOCK = re.compile(r"\{%-?\s*docs\s+(?P<name>\w+)\s*-?%\}")


def _tracked_text_files() -> dict[str, str]:
    """path -> text of every file git tracks in the repository (binary files left out)."""
    names = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True
    ).stdout.split(b"\0")
    files: dict[str, str] = {}
    for raw in names:
        path = REPO / raw.decode()
        if not raw or not path.is_file():
            continue
        try:
            files[raw.decode()] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
    return files


def _slug(heading: str) -> str:
    """GitHub's anchor of a markdown heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _headings(markdown: str) -> list[str]:
    """The headings of a markdown document, outside fenced code blocks."""
    headings: list[str] = []
    in_fence = False
    for line in markdown.splitlines():
        if line.startswith("```"):
            in_fence = not in_fence
        elif not in_fence and (match := re.match(r"#{1,6}\s+(.+?)\s*#*$", line)):
            headings.append(match.group(1))
    return headings


def _section_names(headings: list[str]) -> set[str]:
    """Names a citation may use: each heading, and for "Layer 1: ..." the part before the colon."""
    names = {heading.lower() for heading in headings}
    names |= {heading.split(": ")[0].lower() for heading in headings}
    return names


def unresolved_citations(files: dict[str, str], metrics_markdown: str) -> list[str]:
    """Citations of docs/metrics.md sections or anchors that name no heading of it."""
    headings = _headings(metrics_markdown)
    names = _section_names(headings)
    slugs = {_slug(heading) for heading in headings}
    bad: list[str] = []
    for path, text in sorted(files.items()):
        flat = LINE_BREAK.sub(" ", text)
        for match in CITATION.finditer(flat):
            rest = match.group("rest")
            if rest.startswith('"'):
                if rest.strip('"').lower() not in names:
                    bad.append(f"{path}: {METRICS_DOC}, {rest}")
                continue
            if "," not in match.group("sep") and not rest[0].isupper():
                continue  # prose ("docs/metrics.md aligns ..."), not a section
            lowered = rest.lower()
            if not any(
                lowered.startswith(name) and not lowered[len(name) : len(name) + 1].isalnum()
                for name in names
            ):
                bad.append(f"{path}: {METRICS_DOC}, {rest[:60]}")
        bad.extend(
            f"{path}: {METRICS_DOC}#{match.group('anchor')}"
            for match in ANCHOR.finditer(text)
            if match.group("anchor") not in slugs
        )
    return bad


def outside_references(files: dict[str, str]) -> list[str]:
    """path:line of every reference to a document outside the repository."""
    return [
        f"{path}:{number}: {line.strip()[:100]}"
        for path, text in sorted(files.items())
        for number, line in enumerate(text.splitlines(), start=1)
        if OUTSIDE_REFERENCES.search(line)
    ]


def unresolved_doc_refs(files: dict[str, str]) -> tuple[list[str], list[str], list[str]]:
    """(doc() references without a block, blocks defined twice, blocks nobody uses)."""
    blocks: dict[str, list[str]] = {}
    refs: dict[str, list[str]] = {}
    for path, text in files.items():
        if path.endswith(".md"):
            for match in DOC_BLOCK.finditer(text):
                blocks.setdefault(match.group("name"), []).append(path)
        if path.endswith((".yml", ".yaml", ".sql")):
            for match in DOC_REF.finditer(text):
                refs.setdefault(match.group("name"), []).append(path)
    missing = sorted(
        f"{name} (used in {', '.join(sorted(set(paths)))})"
        for name, paths in refs.items()
        if name not in blocks
    )
    twice = sorted(
        f"{name}: {', '.join(paths)}" for name, paths in blocks.items() if len(paths) > 1
    )
    unused = sorted(name for name in blocks if name not in refs and not name.startswith("__"))
    return missing, twice, unused


def test_no_tracked_file_refers_to_a_document_outside_the_repository() -> None:
    files = _tracked_text_files()
    assert len(files) > 100, "git ls-files found too few files"
    found = outside_references(files)
    assert not found, "references to documents outside the repository:\n" + "\n".join(found)


def test_the_outside_reference_check_can_fail() -> None:
    planted = {"models/x.sql": "-- see " + "METRICS" + ".md, Layer 2\n", "README.md": "ok\n"}
    assert outside_references(planted) == ["models/x.sql:1: -- see " + "METRICS" + ".md, Layer 2"]
    assert outside_references({"a.md": "read ../" + "shared/" + "spec/x\n"}) != []


def test_every_metrics_citation_names_a_heading() -> None:
    files = _tracked_text_files()
    metrics = (REPO / METRICS_DOC).read_text(encoding="utf-8")
    cited = sum(len(CITATION.findall(LINE_BREAK.sub(" ", text))) for text in files.values())
    assert cited > 50, f"only {cited} citations of {METRICS_DOC} found: is the pattern right?"
    bad = unresolved_citations(files, metrics)
    assert not bad, f"citations of {METRICS_DOC} naming no heading of it:\n" + "\n".join(bad)


def test_the_citation_check_can_fail() -> None:
    metrics = (
        "# Reference\n\n## Layer 2\n\n### Change failure rate\n\n## Impact: AI-enabled vs control\n"
    )
    good = {
        "a.sql": f"-- ({METRICS_DOC}, Layer 2): one macro\n",
        "b.yml": f'description: "({METRICS_DOC} Layer 2)"\n',
        "c.sql": f'    {METRICS_DOC}, "Impact: AI-enabled\n    vs control": per metric\n',
        "d.sql": f"-- incident link ({METRICS_DOC}, change failure rate)\n",
        "e.md": f"[the reference]({METRICS_DOC}#impact-ai-enabled-vs-control); {METRICS_DOC} aligns\n",
    }
    assert unresolved_citations(good, metrics) == []
    bad = {
        "a.sql": f"-- ({METRICS_DOC}, Layer 9): no such layer\n",
        "b.yml": f'description: "({METRICS_DOC} Layer 20)"\n',
        "c.sql": f'    {METRICS_DOC}, "Impact: AI vs control": per metric\n',
        "d.md": f"[x]({METRICS_DOC}#layer-3)\n",
    }
    assert len(unresolved_citations(bad, metrics)) == 4


def test_every_doc_reference_has_one_doc_block_and_every_block_is_used() -> None:
    files = _tracked_text_files()
    assert any(DOC_REF.search(text) for text in files.values()), "no doc() reference found"
    missing, twice, unused = unresolved_doc_refs(files)
    assert not missing, "doc() references without a {% docs %} block:\n" + "\n".join(missing)
    assert not twice, "doc blocks defined more than once:\n" + "\n".join(twice)
    assert not unused, "doc blocks no description uses:\n" + "\n".join(unused)


def test_the_doc_reference_check_can_fail() -> None:
    files = {
        "models/docs/_a__docs.md": "{% docs team_name %}\nThe team.\n{% enddocs %}\n{% docs spare %}\nx\n{% enddocs %}\n",
        "models/x/_x__models.yml": "description: \"{{ doc('team_name') }}\"\ndescription: \"{{ doc('tem_name') }}\"\n",
    }
    missing, twice, unused = unresolved_doc_refs(files)
    assert missing == ["tem_name (used in models/x/_x__models.yml)"]
    assert twice == []
    assert unused == ["spare"]


@pytest.fixture(scope="module")
def manifest(demo_run: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The manifest of a fresh `dbt parse` into a private target path."""
    tmp = tmp_path_factory.mktemp("doc_target")
    dbt(
        ["parse", "--target-path", str(tmp), "--log-path", str(tmp / "logs")],
        db_path=demo_run["db"],
        quiet=True,
        printer=lambda _line: None,
    )
    return json.loads((tmp / "manifest.json").read_text())


@pytest.fixture(scope="module")
def built_columns(demo_run: dict[str, Any]) -> dict[tuple[str, str], list[str]]:
    """(schema, table) -> column names, lower case, of every relation in the demo warehouse."""
    con = duckdb.connect(str(Path(demo_run["db"])), read_only=True)
    try:
        rows = con.execute(
            "select lower(table_schema), lower(table_name), lower(column_name) "
            "from information_schema.columns order by table_schema, table_name, ordinal_position"
        ).fetchall()
    finally:
        con.close()
    columns: dict[tuple[str, str], list[str]] = {}
    for schema, table, column in rows:
        columns.setdefault((schema, table), []).append(column)
    return columns


def _undocumented(node: dict[str, Any], existing: list[str]) -> list[str]:
    documented = {
        name.lower()
        for name, column in node.get("columns", {}).items()
        if (column.get("description") or "").strip()
    }
    return [column for column in existing if column not in documented]


@pytest.mark.slow
def test_every_model_and_its_built_columns_are_described(
    manifest: dict[str, Any], built_columns: dict[tuple[str, str], list[str]]
) -> None:
    missing: list[str] = []
    checked_models = 0
    checked_columns = 0
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model" or node["package_name"] != PACKAGE:
            continue
        if node["config"].get("materialized") == "ephemeral":
            continue
        checked_models += 1
        name = node["name"]
        if not (node.get("description") or "").strip():
            missing.append(f"{name}: (model description)")
        relation = ((node["schema"] or "").lower(), (node.get("alias") or name).lower())
        existing = built_columns.get(relation, [])
        checked_columns += len(existing)
        missing.extend(f"{name}.{column}" for column in _undocumented(node, existing))
    assert checked_models > 0 and checked_columns > 0, "no built models found in the demo warehouse"
    assert not missing, f"{len(missing)} undocumented model(s)/column(s):\n" + "\n".join(
        sorted(missing)
    )


@pytest.mark.slow
def test_every_source_table_and_its_raw_columns_are_described(
    manifest: dict[str, Any], built_columns: dict[tuple[str, str], list[str]]
) -> None:
    missing: list[str] = []
    checked_columns = 0
    for node in manifest["sources"].values():
        if node["package_name"] != PACKAGE:
            continue
        name = f"{node['source_name']}.{node['name']}"
        if not (node.get("description") or "").strip():
            missing.append(f"{name}: (table description)")
        if not (node.get("source_description") or "").strip():
            missing.append(f"{name}: (source description)")
        relation = (
            (node["schema"] or "").lower(),
            (node.get("identifier") or node["name"]).lower(),
        )
        existing = built_columns.get(relation, [])
        checked_columns += len(existing)
        missing.extend(f"{name}.{column}" for column in _undocumented(node, existing))
    assert checked_columns > 0, "no raw tables found in the demo warehouse"
    assert not missing, f"{len(missing)} undocumented source table(s)/column(s):\n" + "\n".join(
        sorted(missing)
    )


@pytest.mark.slow
def test_every_description_renders_its_doc_blocks(manifest: dict[str, Any]) -> None:
    """dbt parse resolves every doc() (it fails on an unknown one); nothing stays unrendered."""
    unrendered = [
        f"{node['name']}.{column}"
        for node in manifest["nodes"].values()
        if node.get("package_name") == PACKAGE
        for column, spec in node.get("columns", {}).items()
        if "{{" in (spec.get("description") or "") or "doc(" in (spec.get("description") or "")
    ]
    assert not unrendered, "descriptions with unrendered doc() references:\n" + "\n".join(
        unrendered
    )
