"""Typed table specs: one definition gives the dlt column hints and the record check.

A source declares each raw table as a `TableSpec` (columns with types, the key).
`spec.shape(record)` keeps the declared columns, coerces types (ISO strings to
timestamps, numeric strings to numbers) and raises `MalformedRecordError` naming the
source, table, record key, field and rule when a value cannot be coerced or a required
field is missing. Because this runs while extracting, a bad record stops the run
before anything is written to the warehouse.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from ingestion.common.errors import MalformedRecordError

if TYPE_CHECKING:  # dlt's types only: importing dlt here costs most of a second
    from dlt.common.data_types.typing import TDataType
    from dlt.common.schema.typing import TColumnSchema, TTableSchemaColumns

DLT_TYPES: dict[str, TDataType] = {
    "text": "text",
    "bigint": "bigint",
    "double": "double",
    "decimal": "decimal",
    "bool": "bool",
    "timestamp": "timestamp",
    "date": "date",
    "json": "json",
}


def arrow_types() -> dict[str, Any]:
    """The arrow type of each column type: the same DuckDB column as dlt gives dict rows.

    A function, so pyarrow is imported only by sources that build arrow tables.
    """
    import pyarrow as pa

    return {
        "text": pa.string(),
        "bigint": pa.int64(),
        "double": pa.float64(),
        "decimal": pa.decimal128(18, 4),
        "bool": pa.bool_(),
        "timestamp": pa.timestamp("us", tz="UTC"),
        "date": pa.date32(),
    }


@dataclass(frozen=True)
class Col:
    name: str
    type: str = "text"
    required: bool = False
    #: dotted path in the vendor payload when it differs from the flattened name
    path: str | None = None

    def __post_init__(self) -> None:
        if self.type not in DLT_TYPES:
            raise ValueError(f"unknown column type {self.type!r} for {self.name}")


def _dig(record: Mapping[str, Any], path: str) -> Any:
    value: Any = record
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def parse_timestamp(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, str):
        text = value.strip().replace("Z", "+00:00")
        # Jira writes offsets without a colon: 2026-03-02T14:05:00.000+0100
        if len(text) > 5 and text[-5] in "+-" and text[-4:].isdigit() and text[-3] != ":":
            text = f"{text[:-2]}:{text[-2:]}"
        parsed = datetime.fromisoformat(text)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise ValueError("not a timestamp")


def parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return date.fromisoformat(value.strip()[:10])
    raise ValueError("not a date")


def _coerce(value: Any, kind: str) -> Any:
    if kind == "text":
        if isinstance(value, (dict, list)):
            raise ValueError("is an object, expected text")
        return str(value)
    if kind == "bigint":
        if isinstance(value, bool):
            raise ValueError("is a boolean, expected an integer")
        if isinstance(value, float) and not value.is_integer():
            raise ValueError("is not a whole number")
        return int(value)
    if kind == "double":
        if isinstance(value, bool):
            raise ValueError("is a boolean, expected a number")
        return float(value)
    if kind == "decimal":
        try:
            return Decimal(str(value))
        except InvalidOperation:
            raise ValueError("is not a decimal number") from None
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in {
            "true",
            "false",
            "1",
            "0",
            "yes",
            "no",
        }:
            return value.strip().lower() in {"true", "1", "yes"}
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        raise ValueError("is not a boolean")
    if kind == "timestamp":
        return parse_timestamp(value)
    if kind == "date":
        return parse_date(value)
    return value


@dataclass(frozen=True)
class TableSpec:
    source: str
    table: str
    columns: tuple[Col, ...]
    primary_key: tuple[str, ...] = ()
    #: columns kept as they are (e.g. lists that dlt turns into child tables)
    nested: tuple[str, ...] = field(default=())

    def column_hints(self) -> TTableSchemaColumns:
        hints: TTableSchemaColumns = {}
        for col in self.columns:
            hint: TColumnSchema = {"data_type": DLT_TYPES[col.type], "nullable": not col.required}
            if col.type == "decimal":
                hint["precision"] = 18
                hint["scale"] = 4
            hints[col.name] = hint
        return hints

    def arrow_schema(self) -> Any:
        """The `pyarrow.Schema` of shaped rows: declared order, types and nullability.

        Explicit, so a column that is null in one batch still gets its type.
        """
        import pyarrow as pa

        if self.nested:
            raise ValueError(f"{self.table}: nested lists stay dict rows (dlt child tables)")
        types = arrow_types()
        for col in self.columns:
            if col.type not in types:
                raise ValueError(f"{self.table}: no arrow type for {col.type!r} columns")
        return pa.schema(
            [pa.field(c.name, types[c.type], nullable=not c.required) for c in self.columns]
        )

    def to_arrow(self, rows: Iterable[Mapping[str, Any]]) -> Any:
        """Shaped rows as one `pyarrow.Table` with `arrow_schema()`."""
        import pyarrow as pa

        schema = self.arrow_schema()
        rows = list(rows)
        return pa.table(
            [pa.array([r[f.name] for r in rows], type=f.type) for f in schema], schema=schema
        )

    def key_of(self, record: Mapping[str, Any]) -> Any:
        def lookup(name: str) -> Any:
            col = next((c for c in self.columns if c.name == name), None)
            return _dig(record, col.path) if col and col.path else record.get(name)

        values = tuple(lookup(k) for k in self.primary_key)
        return values[0] if len(values) == 1 else values

    def shape(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """Select, flatten and coerce one vendor record; raise on a broken one."""
        if not isinstance(record, Mapping):
            raise MalformedRecordError(
                self.source, self.table, None, "<record>", "is not an object"
            )
        out: dict[str, Any] = {}
        for col in self.columns:
            raw = _dig(record, col.path) if col.path else record.get(col.name)
            if raw is None or (isinstance(raw, str) and raw == "" and col.type != "text"):
                if col.required:
                    raise MalformedRecordError(
                        self.source,
                        self.table,
                        self.key_of(record),
                        col.name,
                        "is required but missing",
                    )
                out[col.name] = None
                continue
            try:
                out[col.name] = _coerce(raw, col.type)
            except (TypeError, ValueError) as exc:
                raise MalformedRecordError(
                    self.source,
                    self.table,
                    self.key_of(record),
                    col.name,
                    f"must be {col.type} but got {raw!r} ({exc})",
                ) from None
        for name in self.nested:
            out[name] = record.get(name) or []
        return out

    def shape_all(self, records: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
        return [self.shape(r) for r in records]
