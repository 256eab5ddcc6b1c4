"""The dbt project's YAML is laid out one way (issue 16, "The house").

Unit tests live in dedicated ``_<name>__unit_tests.yml`` files next to the models they
test, never inline under ``unit_tests:`` in a ``_<name>__models.yml`` file; a unit-test
file holds unit tests only. Files only: no warehouse needed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]


def misplaced_unit_tests(models_dir: Path) -> list[str]:
    """Every breach of the unit-test layout under models_dir, as 'path: rule' lines."""
    problems: list[str] = []
    sql_dirs = {path.stem: path.parent for path in models_dir.rglob("*.sql")}
    sql_dirs.update({path.stem: path.parent for path in models_dir.rglob("*.py")})
    for path in sorted(models_dir.rglob("*.yml")):
        document = yaml.safe_load(path.read_text()) or {}
        where = path.relative_to(models_dir.parent).as_posix()
        is_unit_test_file = path.name.endswith("__unit_tests.yml")
        if "unit_tests" in document and not is_unit_test_file:
            problems.append(
                f"{where}: holds unit_tests: (move them to a _<name>__unit_tests.yml file)"
            )
        if is_unit_test_file:
            others = sorted(set(document) - {"version", "unit_tests"})
            if others:
                problems.append(f"{where}: a unit-test file holds {', '.join(others)}")
            for test in document.get("unit_tests") or []:
                model_dir = sql_dirs.get(test.get("model"))
                if model_dir is not None and model_dir != path.parent:
                    problems.append(
                        f"{where}: unit test {test['name']} tests {test['model']}, "
                        f"which lives in {model_dir.relative_to(models_dir.parent).as_posix()}"
                    )
    return problems


def test_unit_tests_live_in_unit_test_files_next_to_their_models() -> None:
    assert misplaced_unit_tests(REPO / "models") == []


@pytest.fixture
def tiny_project(tmp_path: Path) -> Path:
    """models/team: one model, its models YAML and its unit-test file, all well placed."""
    team = tmp_path / "models" / "team"
    team.mkdir(parents=True)
    (team / "fct_team.sql").write_text("select 1 as team_id\n")
    (team / "_team__models.yml").write_text(
        "version: 2\n\nmodels:\n  - name: fct_team\n    description: One row per team.\n"
    )
    (team / "_team__unit_tests.yml").write_text(
        "version: 2\n\nunit_tests:\n  - name: one_team\n    model: fct_team\n"
        "    given: []\n    expect: {rows: [{team_id: 1}]}\n"
    )
    return tmp_path / "models"


def test_a_well_placed_project_has_no_breach(tiny_project: Path) -> None:
    assert misplaced_unit_tests(tiny_project) == []


def test_inline_unit_tests_in_a_models_file_fail(tiny_project: Path) -> None:
    models_yml = tiny_project / "team" / "_team__models.yml"
    models_yml.write_text(
        models_yml.read_text()
        + "\nunit_tests:\n  - name: inline\n    model: fct_team\n    given: []\n"
        "    expect: {rows: []}\n"
    )
    assert misplaced_unit_tests(tiny_project) == [
        "models/team/_team__models.yml: holds unit_tests: "
        "(move them to a _<name>__unit_tests.yml file)"
    ]


def test_models_in_a_unit_test_file_fail(tiny_project: Path) -> None:
    unit_yml = tiny_project / "team" / "_team__unit_tests.yml"
    unit_yml.write_text(unit_yml.read_text() + "models:\n  - name: fct_team\n")
    assert misplaced_unit_tests(tiny_project) == [
        "models/team/_team__unit_tests.yml: a unit-test file holds models"
    ]


def test_a_unit_test_away_from_its_model_fails(tiny_project: Path) -> None:
    other = tiny_project / "other"
    other.mkdir()
    (tiny_project / "team" / "_team__unit_tests.yml").rename(other / "_other__unit_tests.yml")
    assert misplaced_unit_tests(tiny_project) == [
        "models/other/_other__unit_tests.yml: unit test one_team tests fct_team, "
        "which lives in models/team"
    ]


#: contract column types both engines accept (README: Running on Spark): DuckDB and Spark
#: share these names; `varchar`, `double precision`, `text`, `integer[]` ... do not
PORTABLE_TYPES = {"string", "double", "bigint", "integer", "boolean", "date", "timestamp"}


def unportable_contract_types(models_dir: Path) -> list[str]:
    """Every contract column whose data_type only one engine parses, as 'path: model.column
    type' lines (decimal(p,s) is portable)."""
    problems: list[str] = []
    for path in sorted(models_dir.rglob("*.yml")):
        document = yaml.safe_load(path.read_text()) or {}
        for model in document.get("models") or []:
            for column in model.get("columns") or []:
                data_type = str(column.get("data_type") or "").strip().lower()
                if not data_type or data_type.replace(" ", "").startswith("decimal("):
                    continue
                if data_type not in PORTABLE_TYPES:
                    where = path.relative_to(models_dir.parent).as_posix()
                    problems.append(f"{where}: {model['name']}.{column['name']} {data_type}")
    return problems


def test_contract_types_parse_on_duckdb_and_spark() -> None:
    assert unportable_contract_types(REPO / "models") == []


def test_an_engine_specific_type_is_reported(tmp_path: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    (models / "_x__models.yml").write_text(
        "version: 2\nmodels:\n  - name: fct_x\n    columns:\n"
        "      - {name: a, data_type: double precision}\n"
        "      - {name: b, data_type: decimal(18, 2)}\n"
        "      - {name: c, data_type: varchar}\n"
        "      - {name: d, data_type: string}\n"
    )
    assert unportable_contract_types(models) == [
        "models/_x__models.yml: fct_x.a double precision",
        "models/_x__models.yml: fct_x.c varchar",
    ]


class _NoDuplicateKeysLoader(yaml.SafeLoader):
    """A YAML loader that refuses a mapping with the same key twice (PyYAML and dbt keep the
    last one silently, so a column's first description would be lost)."""


def _mapping_without_duplicates(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict:
    seen: set[object] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_NoDuplicateKeysLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates
)


def duplicate_keys(paths: list[Path]) -> list[str]:
    """'path:line: duplicate key' for every YAML file in `paths` that repeats a key."""
    problems = []
    for path in paths:
        try:
            yaml.load(path.read_text(), Loader=_NoDuplicateKeysLoader)
        except yaml.constructor.ConstructorError as error:
            mark = error.problem_mark
            problems.append(f"{path.name}:{mark.line + 1 if mark else '?'}: {error.problem}")
    return problems


def test_no_yaml_file_of_the_project_repeats_a_key() -> None:
    paths = [
        p
        for folder in ("models", "macros", "seeds", "analyses")
        for p in sorted((REPO / folder).rglob("*.yml"))
    ] + [REPO / "dbt_project.yml"]
    assert duplicate_keys(paths) == []


def test_a_repeated_description_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "_x__models.yml"
    path.write_text(
        "models:\n- name: x\n  columns:\n  - name: people\n"
        "    description: people behind the cell\n    description: overwritten\n"
    )
    assert duplicate_keys([path]) == ["_x__models.yml:6: duplicate key 'description'"]
