"""What a run did and what the archive holds, read back through the views (DuckDB)."""

from pathlib import Path
from typing import Any

import duckdb

_EXAMPLES = 3


def _rows(connection: duckdb.DuckDBPyConnection, query: str, *args: Any) -> list[tuple]:
    return connection.execute(query, list(args)).fetchall()


def _table(header: list[str], rows: list[tuple]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join("" if v is None else str(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) if rows else "_none_"


def run_report(database: Path, run_id: str) -> str:
    """A markdown report of one run: its counts, pages per source and site, failures by reason
    with example URLs, and time per stage."""
    with duckdb.connect(str(database), read_only=True) as db:
        (run,) = _rows(
            db,
            "SELECT status, pages_read, pages_known, articles_added, exact_duplicates,"
            " near_duplicates, coalesce(contained_copies, 0), boilerplate_paragraphs,"
            " articles_recleaned, reused_paragraphs,"
            " error_pages, not_articles, failed, pages_fetched, fetch_failed, fetch_seconds,"
            " extract_seconds, publish_seconds, seconds FROM runs WHERE run_id = ?",
            run_id,
        )
        sources = _rows(
            db,
            "SELECT regexp_replace(source, '[#:][0-9]+$', '') AS input, count(*) FROM pages"
            " WHERE run_id = ? GROUP BY input ORDER BY 2 DESC, 1 LIMIT 20",
            run_id,
        )
        sites = _rows(
            db,
            "SELECT coalesce(site, '(local file)'), count(*),"
            " count(*) FILTER (WHERE status = 'article') FROM pages"
            " WHERE run_id = ? GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20",
            run_id,
        )
        failures = _rows(
            db,
            f"SELECT reason, count(*), string_agg(url, ' ') FILTER (WHERE n <= {_EXAMPLES})"
            " FROM (SELECT reason, url, row_number() OVER (PARTITION BY reason ORDER BY url) n"
            " FROM pages WHERE run_id = ? AND status = 'failed') GROUP BY reason ORDER BY 2 DESC",
            run_id,
        )
    names = [
        "status", "pages read", "pages already archived", "articles added",
        "exact duplicates", "near duplicates", "contained copies", "site furniture paragraphs",
        "older articles re-cleaned", "reused paragraphs", "error pages", "not articles",
        "failed pages", "pages fetched", "fetches failed",
    ]  # fmt: skip
    counts = list(zip(names, run[: len(names)], strict=True))
    stages = [
        ("fetch", f"{run[15]:.1f} s"),
        ("extract", f"{run[16]:.1f} s"),
        ("publish", f"{run[17]:.1f} s"),
        ("whole run", f"{run[18]:.1f} s"),
    ]
    return "\n\n".join(
        [
            f"# Broadsheet run {run_id}",
            _table(["count", "value"], counts),
            "## Time per stage\n\n" + _table(["stage", "time"], stages),
            "## Pages per input\n\n" + _table(["input", "pages"], sources),
            "## Pages per site\n\n" + _table(["site", "pages", "articles"], sites),
            "## Failures by reason\n\n" + _table(["reason", "pages", "examples"], failures),
        ]
    )


def archive_status(database: Path, tables: Path, last: int = 10) -> dict[str, Any]:
    """The last runs, newest first, and the size of the archive."""
    with duckdb.connect(str(database), read_only=True) as db:
        runs = _rows(
            db,
            "SELECT run_id, started_at, status, pages_read, articles_added, duplicates, failed,"
            " round(seconds, 1) FROM runs ORDER BY started_at DESC LIMIT ?",
            last,
        )
        (size,) = _rows(
            db,
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM pages),"
            " (SELECT count(DISTINCT site) FROM pages)",
        )
    parquet_bytes = sum(p.stat().st_size for p in tables.rglob("*.parquet"))
    return {
        "runs": runs,
        "articles": size[0],
        "pages": size[1],
        "sites": size[2],
        "parquet_bytes": parquet_bytes,
    }
