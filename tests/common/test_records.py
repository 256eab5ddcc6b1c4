"""TableSpec: one definition gives dlt column hints and a record check with clear errors."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from ingestion.common.errors import MalformedRecordError
from ingestion.common.records import Col, TableSpec, parse_timestamp

SPEC = TableSpec(
    "github",
    "pull_requests",
    (
        Col("id", "bigint", required=True),
        Col("user__login", path="user.login"),
        Col("merged_at", "timestamp"),
        Col("amount", "decimal"),
        Col("day", "date"),
        Col("draft", "bool"),
    ),
    primary_key=("id",),
    nested=("labels",),
)


def test_shape_selects_flattens_and_coerces() -> None:
    row = SPEC.shape(
        {
            "id": "17",
            "user": {"login": "alice", "email": "dropped@example.com"},
            "merged_at": "2026-03-02T14:05:00.000+0100",
            "amount": "19.5",
            "day": "2026-03-02",
            "draft": "false",
            "labels": [{"name": "ai-assisted"}],
            "extra": "ignored",
        }
    )
    assert row == {
        "id": 17,
        "user__login": "alice",
        "merged_at": datetime(2026, 3, 2, 13, 5, tzinfo=UTC),
        "amount": Decimal("19.5"),
        "day": date(2026, 3, 2),
        "draft": False,
        "labels": [{"name": "ai-assisted"}],
    }


def test_missing_required_key_names_table_and_field() -> None:
    with pytest.raises(
        MalformedRecordError,
        match=r"\[github\] malformed record in table 'pull_requests'.*field 'id' is required",
    ):
        SPEC.shape({"user": {"login": "a"}})


def test_string_where_number_belongs_names_key_and_field() -> None:
    with pytest.raises(MalformedRecordError) as info:
        SPEC.shape({"id": 5, "amount": "lots"})
    err = info.value
    assert (err.table, err.key, err.field) == ("pull_requests", 5, "amount")


def test_column_hints_carry_types_and_nullability() -> None:
    hints = SPEC.column_hints()
    assert hints["id"] == {"data_type": "bigint", "nullable": False}
    assert hints["merged_at"]["data_type"] == "timestamp"
    assert hints["amount"]["data_type"] == "decimal"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-01T00:00:00Z", datetime(2026, 1, 1, tzinfo=UTC)),
        ("2026-01-01T01:30:00+01:30", datetime(2026, 1, 1, tzinfo=UTC)),
        ("2025-12-31T19:00:00.000-0500", datetime(2026, 1, 1, tzinfo=UTC)),
    ],
)
def test_timestamps_are_normalised_to_utc(text: str, expected: datetime) -> None:
    assert parse_timestamp(text) == expected


def test_arrow_table_has_the_declared_types_even_for_an_all_null_column() -> None:
    import pyarrow as pa

    flat = TableSpec("github", "flat", SPEC.columns, primary_key=("id",))
    rows = flat.shape_all(
        [{"id": "7", "merged_at": "2026-02-01T10:00:00Z", "amount": "1.5", "day": "2026-02-01"}]
    )
    table = flat.to_arrow(rows)

    assert [(f.name, f.type, f.nullable) for f in table.schema] == [
        ("id", pa.int64(), False),
        ("user__login", pa.string(), True),
        ("merged_at", pa.timestamp("us", tz="UTC"), True),
        ("amount", pa.decimal128(18, 4), True),
        ("day", pa.date32(), True),
        ("draft", pa.bool_(), True),  # null in every row, still typed
    ]
    assert table.to_pylist() == rows
    with pytest.raises(ValueError, match="child tables"):
        SPEC.arrow_schema()  # nested lists stay dict rows
