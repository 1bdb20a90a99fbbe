"""Types shared by the table schemas."""

import pyarrow as pa

SCHEMA_VERSION = "2"
UTC_TIMESTAMP = pa.timestamp("us", tz="UTC")


def with_version(fields: list[pa.Field], table: str) -> pa.Schema:
    """Return a schema for `table` that carries the schema version in its metadata."""
    return pa.schema(fields, metadata={"table": table, "schema_version": SCHEMA_VERSION})
