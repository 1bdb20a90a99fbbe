"""Create the archive's views in its DuckDB file by running warehouse/views/*.sql in order."""

import os
from importlib.resources import files
from pathlib import Path

import duckdb

_PLACEHOLDER = "${tables}"


def view_statements(tables: Path) -> list[str]:
    """The view SQL, in file-name order, bound to the Parquet folder `tables`.

    DuckDB takes no parameters in a view definition and resolves relative paths against the
    working directory of whoever queries, so the absolute folder is written into the SQL as a
    quoted literal. This is the only substitution; the SQL files are otherwise run as they are.
    """
    literal = str(tables.resolve()).replace("'", "''")
    views = sorted(
        (f for f in files("warehouse").joinpath("views").iterdir() if f.name.endswith(".sql")),
        key=lambda f: f.name,
    )
    return [f.read_text().replace(_PLACEHOLDER, literal) for f in views]


def _wal_of(database: Path) -> Path:
    """The write-ahead log DuckDB keeps beside a database file."""
    return database.with_name(database.name + ".wal")


def build_views(database: Path, tables: Path) -> None:
    """(Re)create `database` holding every view, atomically: a new file is written beside it
    and renamed over it, so a reader never sees it half built, and a views file written by
    another DuckDB version (one this DuckDB cannot open) is replaced rather than opened. The
    file holds nothing but the views: the data is the Parquet under `tables`."""
    fresh = database.with_name(f".{database.name}.new")
    for leftover in (fresh, _wal_of(fresh)):
        leftover.unlink(missing_ok=True)
    with duckdb.connect(str(fresh)) as connection:
        connection.execute("BEGIN TRANSACTION")
        for statement in view_statements(tables):
            connection.execute(statement)
        connection.execute("COMMIT")
        connection.execute("CHECKPOINT")
    os.replace(fresh, database)
    _wal_of(database).unlink(missing_ok=True)  # an old file's log must not replay on the new
