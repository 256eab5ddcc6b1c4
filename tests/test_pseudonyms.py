"""Person pseudonyms: HMAC-SHA256 with a secret key that no file the build writes contains.

Fast tests check the function, the key's resolution and generation, and a throwaway dbt
project using the plugin; the slow test builds the demo warehouse twice with two keys.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import stat
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ingestion.common.config import PROJECT_ROOT, TELEMETRY_OFF
from ingestion.common.errors import SecretsExposedError
from ingestion.common.pseudonym import (
    KEY_ENV,
    PseudonymKeyError,
    load_key,
    pseudonym,
    register_udf,
)

#: a key with every character that broke or leaked the old salt: quotes, backslash, unicode;
#: the ASCII core is what the scans look for (it survives SQL, JSON and TOML escaping)
ODD_KEY_CORE = "ZQX-PSEUDONYM-KEY-7f3c9e"
ODD_KEY = f'{ODD_KEY_CORE}-o\'brien-"q"-back\\slash-ключ-🔑'


def _spellings(key: str, core: str | None = None) -> list[bytes]:
    """The key as any writer might spell it: raw, SQL-quoted, JSON-escaped, its ASCII core."""
    forms = {
        key,
        key.replace("'", "''"),
        json.dumps(key)[1:-1],
        json.dumps(key, ensure_ascii=False)[1:-1],
        core or key,
    }
    return [form.encode("utf-8") for form in forms]


def _files_containing(roots: list[Path], needles: list[bytes]) -> list[str]:
    found = []
    for root in roots:
        paths = [root] if root.is_file() else [p for p in root.rglob("*") if p.is_file()]
        for path in paths:
            data = path.read_bytes()
            found += [f"{path}: {needle!r}" for needle in needles if needle in data]
    return found


# --- the function --------------------------------------------------------------------------


def test_known_login_and_key_give_the_hand_checked_hmac() -> None:
    # `printf '%s' octo-cat | openssl dgst -sha256 -hmac ai-roi-test-key`
    expected = "9eb034bc72b265a8d23eba357caf0e189bc874df68d7e9dd2a22c923deb8b606"
    assert hmac.new(b"ai-roi-test-key", b"octo-cat", hashlib.sha256).hexdigest() == expected
    assert pseudonym("octo-cat", "ai-roi-test-key") == expected
    assert pseudonym("  Octo-Cat \t", b"ai-roi-test-key") == expected  # trimmed, lower-cased
    assert pseudonym(None, "ai-roi-test-key") is None
    # any characters in the key: `openssl dgst -sha256 -hmac "k'\"\\ключ"`
    odd = "85463c13df17f4e4d0446ed2b155f8a86f6b69da6a4f4a71cf3a4b07bffd6d2e"
    assert pseudonym("octo-cat", "k'\"\\ключ") == odd


def test_duckdb_function_equals_python() -> None:
    con = duckdb.connect()
    register_udf(con, ODD_KEY.encode())
    rows = con.execute(
        "select login, ai_roi_pseudonym(login) from (values ('Octo-Cat'), (' ana '), (null), "
        "('dependabot[bot]'), ('Ünïcode')) as t(login)"
    ).fetchall()
    con.close()
    assert rows == [(login, pseudonym(login, ODD_KEY)) for login, _ in rows]
    assert rows[2] == (None, None)


# --- the key -------------------------------------------------------------------------------


@pytest.fixture
def no_key(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No key in the environment; `tmp_path` is the project (its `.dlt/` is empty)."""
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv("DLT_PROJECT_DIR", raising=False)
    return tmp_path


def test_environment_key_wins(no_key: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (no_key / ".dlt").mkdir()
    (no_key / ".dlt" / "secrets.toml").write_text('[ai_roi]\npseudonym_key = "from-file"\n')
    monkeypatch.setenv(KEY_ENV, ODD_KEY)
    assert load_key(no_key) == ODD_KEY.encode()


def test_key_from_secrets_toml_keeps_every_character(no_key: Path) -> None:
    (no_key / ".dlt").mkdir()
    escaped = json.dumps(ODD_KEY, ensure_ascii=False)  # a TOML basic string
    (no_key / ".dlt" / "secrets.toml").write_text(
        f"[sources.github]\ntoken = 'x'\n\n[ai_roi]\npseudonym_key = {escaped}\n", "utf-8"
    )
    (no_key / ".dlt" / "secrets.toml").chmod(0o600)
    assert load_key(no_key, printer=pytest.fail) == ODD_KEY.encode()


def test_missing_key_is_generated_once_into_a_0600_secrets_file(no_key: Path) -> None:
    lines: list[str] = []
    key = load_key(no_key, printer=lines.append)
    path = no_key / ".dlt" / "secrets.toml"
    assert len(key) == 64 and int(key, 16) >= 0  # 32 random bytes, hex
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert tomllib.loads(path.read_text())["ai_roi"]["pseudonym_key"] == key.decode()
    assert len(lines) == 1 and str(path) in lines[0] and key.decode() not in lines[0]
    # the next run reuses it, silently
    assert load_key(no_key, printer=lines.append) == key
    assert len(lines) == 1


def test_generated_key_is_appended_without_touching_existing_secrets(no_key: Path) -> None:
    settings = no_key / ".dlt"
    settings.mkdir()
    existing = '# my tokens\n[sources.github]\ntoken = "ghp_keep_me"\n'
    (settings / "secrets.toml").write_text(existing)
    (settings / "secrets.toml").chmod(0o600)
    key = load_key(no_key, printer=lambda line: None).decode()
    text = (settings / "secrets.toml").read_text()
    assert text.startswith(existing)
    document = tomllib.loads(text)
    assert document["sources"]["github"]["token"] == "ghp_keep_me"
    assert document["ai_roi"]["pseudonym_key"] == key
    assert stat.S_IMODE((settings / "secrets.toml").stat().st_mode) == 0o600


def test_generated_key_goes_into_an_existing_ai_roi_table(no_key: Path) -> None:
    (no_key / ".dlt").mkdir()
    path = no_key / ".dlt" / "secrets.toml"
    path.write_text('[ai_roi]\nother = 1\n\n[sources.jira]\napi_token = "t"\n')
    path.chmod(0o600)
    key = load_key(no_key, printer=lambda line: None).decode()
    document = tomllib.loads(path.read_text())
    assert document["ai_roi"] == {"other": 1, "pseudonym_key": key}
    assert document["sources"]["jira"]["api_token"] == "t"


def test_concurrent_first_runs_agree_on_one_key(no_key: Path) -> None:
    code = (
        "import sys; from ingestion.common.pseudonym import load_key; "
        "sys.stdout.write(load_key(sys.argv[1], printer=lambda line: None).decode())"
    )
    env = {k: v for k, v in os.environ.items() if k not in (KEY_ENV, "DLT_PROJECT_DIR")}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(no_key)], env=env, stdout=subprocess.PIPE, text=True
        )
        for _ in range(6)
    ]
    keys = {process.communicate()[0] for process in processes}
    stored = tomllib.loads((no_key / ".dlt" / "secrets.toml").read_text())
    assert keys == {stored["ai_roi"]["pseudonym_key"]}


def test_unparseable_secrets_file_is_not_overwritten(no_key: Path) -> None:
    (no_key / ".dlt").mkdir()
    path = no_key / ".dlt" / "secrets.toml"
    path.write_text("this is = = not toml\n")
    path.chmod(0o600)
    with pytest.raises(PseudonymKeyError, match="not valid TOML"):
        load_key(no_key)
    assert path.read_text() == "this is = = not toml\n"


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_a_secrets_file_other_users_can_read_is_refused(no_key: Path, mode: int) -> None:
    # a copy of secrets.toml.example under the usual umask is 0644: its tokens and key are
    # readable by every user of the machine, and the key reverses every pseudonym
    (no_key / ".dlt").mkdir()
    path = no_key / ".dlt" / "secrets.toml"
    text = '[sources.github]\ntoken = "ghp_x"\n\n[ai_roi]\npseudonym_key = "k"\n'
    path.write_text(text)
    path.chmod(mode)
    with pytest.raises(SecretsExposedError) as caught:
        load_key(no_key, printer=pytest.fail)
    assert str(caught.value).startswith(
        f"[secrets] {path}: mode {mode:04o} lets other users read or change it"
    )
    assert f"chmod 600 {path}" in str(caught.value)
    assert path.read_text() == text and stat.S_IMODE(path.stat().st_mode) == mode
    # the same file without a key is not completed either (its tokens are just as exposed)
    path.write_text('[sources.github]\ntoken = "ghp_x"\n')
    with pytest.raises(SecretsExposedError):
        load_key(no_key, printer=pytest.fail)
    assert path.read_text() == '[sources.github]\ntoken = "ghp_x"\n'
    # the owner's alone (0600, or 0400): read
    path.write_text(text)
    path.chmod(0o400)
    assert load_key(no_key, printer=pytest.fail) == b"k"


def test_secrets_file_is_git_ignored() -> None:
    result = subprocess.run(
        ["git", "check-ignore", "-q", ".dlt/secrets.toml"], cwd=PROJECT_ROOT, check=False
    )
    assert result.returncode == 0


# --- a throwaway dbt project through the plugin --------------------------------------------

PEOPLE_CSV = "login,team\nAna,payments\n bob ,payments\ndependabot[bot],payments\n,payments\n"
PEOPLE_MODEL = (
    "{{ config(materialized='table') }}\n"
    "select login, {{ pseudonymize('login') }} as person_id from {{ ref('people') }}\n"
)
#: a control: a literal in a view's SQL reaches all three places the key must not
CONTROL = "CONTROL-LITERAL-5d1e8a"
CONTROL_MODEL = f"{{{{ config(materialized='view') }}}}\nselect '{CONTROL}' as marker\n"


def _project(tmp_path: Path, models: dict[str, str]) -> Path:
    root = tmp_path / "project"
    for folder in ("macros", "models", "seeds"):
        (root / folder).mkdir(parents=True)
    shutil.copy(PROJECT_ROOT / "macros" / "pseudonymize.sql", root / "macros")
    (root / "seeds" / "people.csv").write_text(PEOPLE_CSV)
    for name, text in models.items():
        (root / "models" / name).write_text(text)
    (root / "dbt_project.yml").write_text(
        "name: pseudonyms\nversion: '1.0'\nprofile: pseudonyms\nconfig-version: 2\n"
    )
    (root / "profiles.yml").write_text(
        "pseudonyms:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
        f"      path: {root / 'warehouse' / 'pseudonyms.duckdb'}\n      threads: 2\n"
        "      plugins:\n        - module: ingestion.dbt_plugins.pseudonym_plugin\n"
    )
    (root / "warehouse").mkdir()
    return root


def _dbt(root: Path, command: str, key: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {
        **TELEMETRY_OFF,
        "PATH": "/usr/bin:/bin",
        "HOME": str(root),
        "DBT_LOG_LEVEL_FILE": "debug",  # every statement in logs/, to be scanned
    }
    if key is not None:
        env[KEY_ENV] = key
    dbt = Path(sys.executable).with_name("dbt")
    return subprocess.run(
        [str(dbt), command, "--profiles-dir", str(root), "--project-dir", str(root)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )


def _person_ids(root: Path) -> dict[str | None, str | None]:
    con = duckdb.connect(str(root / "warehouse" / "pseudonyms.duckdb"), read_only=True)
    try:
        return dict(con.execute("select login, person_id from stg_people").fetchall())
    finally:
        con.close()


def test_dbt_build_with_an_odd_key_leaves_it_in_no_file(tmp_path: Path) -> None:
    root = _project(tmp_path, {"stg_people.sql": PEOPLE_MODEL, "control.sql": CONTROL_MODEL})
    result = _dbt(root, "build", key=ODD_KEY)
    assert result.returncode == 0, result.stdout + result.stderr
    ids = _person_ids(root)
    assert ids == {login: pseudonym(login, ODD_KEY) for login in ids}
    assert ids[None] is None and len(set(ids.values())) == 4
    written = [root / "warehouse", root / "target", root / "logs"]
    assert _files_containing(written, _spellings(ODD_KEY, ODD_KEY_CORE)) == []
    assert not (root / ".dlt").exists()  # an env key is not copied anywhere
    # the scan would have seen it: the control literal is in each of the three places
    for place in written:
        assert _files_containing([place], [CONTROL.encode()]), place


def test_dbt_without_a_key_generates_one_and_reuses_it(tmp_path: Path) -> None:
    root = _project(tmp_path, {"stg_people.sql": PEOPLE_MODEL})
    first = _dbt(root, "build")
    assert first.returncode == 0, first.stdout + first.stderr
    secrets_toml = root / ".dlt" / "secrets.toml"
    announced = [line for line in first.stdout.splitlines() if str(secrets_toml) in line]
    assert len(announced) == 1 and "pseudonym key" in announced[0]
    assert stat.S_IMODE(secrets_toml.stat().st_mode) == 0o600
    key = tomllib.loads(secrets_toml.read_text())["ai_roi"]["pseudonym_key"]
    ids = _person_ids(root)
    assert ids["Ana"] == pseudonym("ana", key)
    second = _dbt(root, "build")
    assert second.returncode == 0, second.stdout + second.stderr
    assert str(secrets_toml) not in second.stdout
    assert tomllib.loads(secrets_toml.read_text())["ai_roi"]["pseudonym_key"] == key
    assert _person_ids(root) == ids
    assert (
        _files_containing([root / "warehouse", root / "target", root / "logs"], [key.encode()])
        == []
    )


def test_other_adapters_fail_at_compile_time_saying_what_to_do(tmp_path: Path) -> None:
    model = "select {{ default__pseudonymize('login') }} as person_id from {{ ref('people') }}\n"
    root = _project(tmp_path, {"uses_default.sql": model})
    result = _dbt(root, "compile", key="k")
    assert result.returncode != 0
    assert "no keyed pseudonym function for the 'duckdb' adapter" in result.stdout
    assert "__pseudonymize(column)" in result.stdout


# --- the demo warehouse, built with two keys -----------------------------------------------


def _build_demo(db: Path, key: str, work: Path) -> None:
    from ingestion.orchestrate import dbt

    dbt(
        ["build", "--full-refresh"],
        db_path=db,
        quiet=True,
        extra_env={
            KEY_ENV: key,
            # this build's own target/ and logs/, at debug level (every statement), so the
            # scan covers every file it writes and no other build's
            "DBT_TARGET_PATH": str(work / "target"),
            "DBT_LOG_PATH": str(work / "logs"),
            "DBT_LOG_LEVEL_FILE": "debug",
        },
    )


def _rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    """Sorted rows, floats rounded to 9 places (parallel sums may differ in the last bit)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(sql).fetchall()
    finally:
        con.close()
    rounded = [
        tuple(round(value, 9) if isinstance(value, float) else value for value in row)
        for row in rows
    ]
    return sorted(rounded, key=repr)


@pytest.mark.slow
def test_two_keys_change_every_person_id_but_no_team_number(
    demo_run: dict[str, Any], tmp_path: Path
) -> None:
    other_key = "second key: ' \" \\ é"
    builds = {}
    for name, key, core in (("a", ODD_KEY, ODD_KEY_CORE), ("b", other_key, None)):
        work = tmp_path / name
        db = work / "warehouse" / "ai_roi.duckdb"  # same file name: same catalog name
        db.parent.mkdir(parents=True)
        shutil.copy(demo_run["db"], db)
        _build_demo(db, key, work)
        builds[name] = db
        leaks = _files_containing(
            [work / "warehouse", work / "target", work / "logs"], _spellings(key, core)
        )
        assert leaks == [], leaks
    a, b = builds["a"], builds["b"]
    people_a = _rows(a, "select distinct person_id from staging.stg_files__roster")
    people_b = _rows(b, "select distinct person_id from staging.stg_files__roster")
    assert len(people_a) == len(people_b) > 5
    assert not set(people_a) & set(people_b)
    # staging rows are the key's pseudonyms of the raw logins
    raw = _rows(a, "select distinct login from raw_files.roster")
    assert set(people_a) == {(pseudonym(login, ODD_KEY),) for (login,) in raw}
    # joins on pseudonyms (roster x GitHub authors x seed bots) give the same team numbers
    for table in (
        "fct_delivery_team_weekly",
        "fct_ai_adoption_team_weekly",
        "rpt_ai_roi_scorecard",
    ):
        rows_a = _rows(a, f"select * from marts.{table}")
        assert rows_a, table
        assert rows_a == _rows(b, f"select * from marts.{table}"), table
    kinds = "select author_account_kind, count(*) from intermediate.int_pull_requests_enriched group by 1"
    assert _rows(a, kinds) == _rows(b, kinds)
    assert {kind for kind, _ in _rows(a, kinds)} >= {"human", "bot", "ai_agent"}
