"""Create the archive's views in its DuckDB file by running warehouse/views/*.sql in order."""

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


def build_views(database: Path, tables: Path) -> None:
    """(Re)create every view in `database` in one transaction."""
    with duckdb.connect(str(database)) as connection:
        connection.execute("BEGIN TRANSACTION")
        for statement in view_statements(tables):
            connection.execute(statement)
        connection.execute("COMMIT")
