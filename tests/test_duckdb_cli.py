"""The warehouse opens in the DuckDB CLI the README names, and runs the README's queries."""

import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from tests.conftest import FIXTURES

README = Path(__file__).parents[1] / "README.md"
DUCKDB_CLI = Path(sys.executable).with_name("duckdb")  # the duckdb-cli package of the lock
OLDEST_CLI = "1.5"  # README, "DuckDB versions"


def readme_queries() -> list[str]:
    """Every statement of the README's example-queries block, and its other SELECTs."""
    text = README.read_text()
    block = text.split("### Example queries", 1)[1].split("```sql", 1)[1].split("```", 1)[0]
    lines = [line for line in block.splitlines() if not line.lstrip().startswith("--")]
    queries = [q.strip() for q in "\n".join(lines).split(";") if q.strip()]
    queries += re.findall(r'broadsheet sql "(SELECT [^"]+)"', text)
    return queries


@pytest.fixture(scope="module")
def demo_warehouse(tmp_path_factory) -> Path:
    """The warehouse `make demo` builds: the bundled sample pages."""
    warehouse = tmp_path_factory.mktemp("demo") / "warehouse"
    result = CliRunner().invoke(app, ["run", str(FIXTURES / "sample"), "-w", str(warehouse)])
    assert result.exit_code == 0, result.output
    return warehouse


def test_the_cli_is_the_version_the_readme_names():
    shown = subprocess.run([str(DUCKDB_CLI), "--version"], capture_output=True, text=True)
    assert shown.stdout.startswith(f"v{OLDEST_CLI}.")
    assert f"DuckDB {OLDEST_CLI}" in README.read_text()


@pytest.mark.parametrize("query", readme_queries())
def test_every_readme_query_runs_in_the_cli(demo_warehouse, query):
    done = subprocess.run(
        [str(DUCKDB_CLI), "-readonly", str(demo_warehouse / "broadsheet.duckdb"), "-c", query],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and "Error" not in done.stderr, done.stderr


def test_a_views_file_another_duckdb_wrote_is_replaced(demo_warehouse, tmp_path):
    # A views file this DuckDB cannot open (written by DuckDB 2.0, say) is rebuilt, not opened.
    from warehouse.build import build_views

    database = tmp_path / "broadsheet.duckdb"
    database.write_bytes(b"not a database of this version" * 100)
    build_views(database, demo_warehouse / "tables")
    with duckdb.connect(str(database), read_only=True) as connection:
        (count,) = connection.execute("SELECT count(*) FROM articles").fetchone() or (0,)
    assert count > 0


def test_articles_written_before_a_column_existed_read_it_as_null(demo_warehouse, tmp_path):
    # An archive's older files lack the columns added since; the view unions files by name.
    import shutil

    import pyarrow as pa
    import pyarrow.parquet as pq

    from warehouse.build import build_views

    added = ["modified_at", "image_url", "section", "keywords"]
    tables = tmp_path / "tables"
    shutil.copytree(demo_warehouse / "tables", tables)
    newest = sorted((tables / "articles").rglob("*.parquet"))[-1]
    written = pq.read_table(newest)
    assert set(added) <= set(written.column_names)
    before = written.drop_columns(added).slice(0, 1)
    before = before.set_column(0, "article_id", pa.array(["written-before"]))
    pq.write_table(before, newest.with_name("older.parquet"))
    database = tmp_path / "broadsheet.duckdb"
    build_views(database, tables)
    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.execute(
            "SELECT article_id, modified_at, image_url, section, keywords FROM articles"
            " WHERE article_id = 'written-before'"
        ).fetchall()
        counts = connection.execute(
            "SELECT count(modified_at), count(image_url), count(section),"
            " count(*) FILTER (WHERE len(keywords) > 0) FROM articles"
        ).fetchone()
    assert rows == [("written-before", None, None, None, None)]
    assert counts is not None and min(counts) > 0  # the sample's articles name each


def test_pages_kept_out_of_articles_keep_their_headline(demo_warehouse):
    # The sample's section fronts are `not_article` rows; their titles say what they were.
    with duckdb.connect(str(demo_warehouse / "broadsheet.duckdb"), read_only=True) as connection:
        rows = connection.execute(
            "SELECT p.title, a.title FROM pages p LEFT JOIN articles a USING (article_id)"
            " WHERE p.status IN ('not_article', 'article') ORDER BY p.status"
        ).fetchall()
    kept_out = [page for page, article in rows if article is None]
    assert kept_out and all(kept_out)
    assert all(page == article for page, article in rows if article is not None)
