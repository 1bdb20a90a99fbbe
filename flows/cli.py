"""The `broadsheet` command line: run the pipeline, query the archive."""

import csv
import json
import os
import shlex
import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from tasks.io import UserError

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
out = Console()
err = Console(stderr=True)

# Prefect reads these at import; defaults that keep the embedded server quiet and reliable
# on small offline machines (see the README). A user's own values win.
_PREFECT_DEFAULTS = {
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
}

_RETRY_HINT = (
    "fix the cause, then run the same command again (finished shards are kept and skipped)"
)

WarehouseOption = Annotated[
    Path | None,
    typer.Option(
        "--warehouse", "-w", help="Warehouse folder [env BROADSHEET_WAREHOUSE; default ./warehouse]"
    ),
]
ConfigOption = Annotated[
    Path | None, typer.Option("--config", "-c", help="Settings file [default ./broadsheet.toml]")
]


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def _fail(message: str) -> None:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def _summary(result: dict[str, Any], seconds: float) -> Table:
    table = Table(title="Run summary", show_header=False, title_justify="left")
    if "fetched" in result:
        table.add_row(
            "fetched",
            f"{result['fetched']} pages, {result.get('fetch_failed', 0)} failed;"
            f" feeds and sitemaps: {result.get('listings_unchanged', 0)} unchanged,"
            f" {result.get('listings_failed', 0)} failed (see the fetches table)",
        )
    table.add_row("pages read", str(result.get("read", 0)))
    table.add_row("articles kept", str(result.get("article", 0) - result.get("duplicates", 0)))
    table.add_row(
        "duplicates",
        f"{result.get('duplicates', 0)} (exact {result.get('exact_duplicates', 0)}, "
        f"near {result.get('near_duplicates', 0)}, "
        f"contained {result.get('contained_copies', 0)})",
    )
    table.add_row(
        "site furniture",
        f"{result.get('boilerplate_paragraphs', 0)} paragraphs left out of bodies, "
        f"{result.get('articles_recleaned', 0)} older articles cleaned",
    )
    for status in ("error_page", "not_article", "failed"):
        reasons = sorted((k, v) for k, v in result.items() if k.startswith(f"{status}/") and v)
        detail = ", ".join(f"{k.split('/', 1)[1]} {v}" for k, v in reasons)
        table.add_row(
            status.replace("_", " "),
            f"{result.get(status, 0)}" + (f" ({detail})" if detail else ""),
        )
    table.add_row(
        "seen before",
        f"{result.get('known', 0)} pages (archived, or twice tonight), "
        f"{result.get('shards_skipped', 0)} shards archived",
    )
    skipped = {
        k.removeprefix("skipped_"): v for k, v in result.items() if k.startswith("skipped_") and v
    }
    if skipped:
        table.add_row("skipped", ", ".join(f"{k} {v}" for k, v in sorted(skipped.items())))
    table.add_row("time", f"{seconds:.1f} s")
    return table


@app.command()
def run(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Input files or folders (searched recursively)")
    ] = None,
    feed: Annotated[
        list[str] | None, typer.Option(help="An RSS or Atom feed to fetch (repeatable)")
    ] = None,
    sitemap: Annotated[
        list[str] | None,
        typer.Option(help="A sitemap or sitemap index, news sitemaps too (repeatable)"),
    ] = None,
    urls: Annotated[
        list[Path] | None, typer.Option(help="A file of URLs, one per line (repeatable)")
    ] = None,
    date: Annotated[
        str | None,
        typer.Option(
            help="Process the raw zone of a past night, or of nights FROM..TO (YYYY-MM-DD);"
            " fetches nothing"
        ),
    ] = None,
    reprocess: Annotated[
        bool,
        typer.Option(
            "--reprocess",
            help="Extract inputs already archived again and replace their rows (after an"
            " upgrade); with no PATH and no --date, the whole raw zone; fetches nothing",
        ),
    ] = False,
    warehouse: WarehouseOption = None,
    config: ConfigOption = None,
    workers: Annotated[
        int | None, typer.Option(help="Extraction processes [default: one per core]")
    ] = None,
    dask_address: Annotated[
        str | None,
        typer.Option(help="Run the shard tasks on the Dask cluster at tcp://HOST:PORT"),
    ] = None,
) -> None:
    """Fetch the sources (flags and broadsheet.toml), load every input found under PATHS,
    extract and clean the articles, store them."""
    for key, value in _PREFECT_DEFAULTS.items():
        os.environ.setdefault(key, value)
    from pydantic import ValidationError

    from flows.settings import load_settings
    from tasks import io
    from tasks.config import SourceConfig

    paths = paths or []
    try:
        settings = load_settings(config, warehouse=warehouse)
        try:
            flagged = [SourceConfig(kind="feed", url=u) for u in feed or []]
            flagged += [SourceConfig(kind="sitemap", url=u) for u in sitemap or []]
        except ValidationError as error:
            message = error.errors()[0]["msg"].removeprefix("Value error, ")
            raise UserError(f"--feed/--sitemap: {message}") from None
        for listed in urls or []:
            if not listed.is_file():
                raise UserError(f"URL list not found: {listed}")
            flagged.append(SourceConfig(kind="urls", path=str(listed)))
        settings = settings.model_copy(update={"sources": [*settings.sources, *flagged]})
        if date or reprocess:
            paths = [*paths, *_raw_nights(settings.warehouse, date, need=not paths)]
            settings = settings.model_copy(update={"sources": []})
        files, _ = io.discover_inputs([str(p) for p in paths])
        if not files and not settings.sources:
            raise UserError(
                "nothing to do: give input paths (WARC/ARC, WACZ, .html, .mhtml, .webarchive,"
                " .jsonl or .txt), or sources (--feed, --sitemap, --urls, or [[sources]] in"
                " broadsheet.toml)"
            )
        flags = {"workers": workers, "dask_address": dask_address}
        given = {k: v for k, v in flags.items() if v is not None}
        if given:
            settings = settings.model_copy(update={"run": settings.run.model_copy(update=given)})
    except UserError as error:
        _fail(str(error))
    if not settings.run.dask_address:
        from tasks import forkserver

        forkserver.start()  # its imports overlap Prefect's, on the other core
    _keep_results_in(settings.warehouse)
    # Flow parameters go to the Prefect API as JSON: names in their printable form
    _run_pipeline(settings, [io.printable_path(str(p)) for p in paths], reprocess)


def _keep_results_in(warehouse: Path) -> None:
    """Prefect's persisted task results go into the warehouse (`_results`), where each run
    prunes them; set before Prefect is imported, which reads it once."""
    from tasks.layout import Layout

    os.environ.setdefault("PREFECT_LOCAL_STORAGE_PATH", str(Layout(warehouse.resolve()).results))


def _raw_nights(warehouse: Path, dates: str | None, need: bool) -> list[Path]:
    """The raw-zone folders of the nights in `dates` (one day, or FROM..TO), or all of them."""
    from datetime import date as day

    from tasks.layout import Layout

    raw = Layout(warehouse).root / "raw"
    if dates is None:
        nights = sorted(raw.glob("date=*")) if raw.exists() else []
    else:
        first, _, last = dates.partition("..")
        try:
            start, end = day.fromisoformat(first), day.fromisoformat(last or first)
        except ValueError:
            raise UserError(
                f"--date {dates}: expected YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD"
            ) from None
        nights = [
            folder
            for folder in sorted(raw.glob("date=*"))
            if start.isoformat() <= folder.name.removeprefix("date=") <= end.isoformat()
        ]
    if need and not nights:
        raise UserError(f"no fetched nights in {raw} for {dates or 'any date'}")
    return nights


def _run_pipeline(settings: Any, inputs: list[str], reprocess: bool = False) -> None:
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from flows.archive import archive
    from tasks import io, progress

    started = time.monotonic()
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.completed} pages"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        job = bar.add_task("starting", total=None)
        progress.install(
            lambda n: bar.advance(job, n), lambda name: bar.update(job, description=name)
        )
        try:
            result = archive(
                inputs=inputs,
                warehouse=str(settings.warehouse.resolve()),
                extract=settings.extract,
                run=settings.run,
                dedup=settings.dedup,
                sources=settings.sources,
                fetch=settings.fetch,
                reprocess=reprocess,
            )
        except Exception as error:
            progress.install(None)
            again = io.printable_path(shlex.join(["broadsheet", *sys.argv[1:]]))
            _fail(f"{error}\n  {_RETRY_HINT}: {again}")
        progress.install(None)
    out.print(_summary(result, time.monotonic() - started))
    out.print(
        f'warehouse: {settings.warehouse}  (query it: broadsheet sql "SELECT ...")', highlight=False
    )


def _print_rows(columns: list[str], rows: list[tuple], fmt: Format) -> None:
    if fmt is Format.json:
        records = [dict(zip(columns, row, strict=True)) for row in rows]
        sys.stdout.write(json.dumps(records, default=str, ensure_ascii=False) + "\n")
    elif fmt is Format.csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
    else:
        table = Table(*columns)
        for row in rows:
            table.add_row(*("" if v is None else str(v) for v in row))
        out.print(table)


@app.command()
def sql(
    query: Annotated[
        str, typer.Argument(help="A DuckDB query over pages, articles, paragraphs, runs")
    ],
    warehouse: WarehouseOption = None,
    config: ConfigOption = None,
    format: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
) -> None:
    """Run QUERY on the archive (opened read-only) and print the result."""
    import duckdb

    from flows.settings import load_settings
    from tasks.layout import Layout

    try:
        settings = load_settings(config, warehouse=warehouse)
    except UserError as error:
        _fail(str(error))
    database = Layout(settings.warehouse).database
    if not database.exists():
        _fail(
            f"no archive at {settings.warehouse}:"
            " run `broadsheet run PATH...` first, or pass --warehouse"
        )
    try:
        with duckdb.connect(str(database), read_only=True) as connection:
            cursor = connection.execute(query)
            columns = [d[0] for d in cursor.description or []]
            rows = cursor.fetchall()
    except duckdb.Error as error:
        _fail(str(error).splitlines()[0])
    _print_rows(columns, rows, format)


@app.command()
def serve(warehouse: WarehouseOption = None, config: ConfigOption = None) -> None:
    """Register the nightly deployment (schedule from broadsheet.toml) with the Prefect server
    at PREFECT_API_URL and run its flow runs until interrupted."""
    from flows.settings import load_settings

    try:
        settings = load_settings(config, warehouse=warehouse)
    except UserError as error:
        _fail(str(error))
    if not os.environ.get("PREFECT_API_URL"):
        _fail(
            "serve needs a Prefect server: start one with `prefect server start`, then set"
            " PREFECT_API_URL=http://127.0.0.1:4200/api (see the README)"
        )
    _keep_results_in(settings.warehouse)
    from flows.nightly import serve_nightly

    serve_nightly(settings)


@app.command()
def compact(warehouse: WarehouseOption = None, config: ConfigOption = None) -> None:
    """Merge the files that runs leave in each day folder into one sorted file per table
    (runs do this themselves unless [run] compact = false)."""
    from flows.settings import load_settings
    from tasks.compact import compact as compact_days
    from tasks.layout import Layout

    try:
        settings = load_settings(config, warehouse=warehouse)
    except UserError as error:
        _fail(str(error))
    layout = Layout(settings.warehouse)
    if not layout.table("pages").exists():
        _fail(
            f"no archive at {settings.warehouse}: run `broadsheet run` first, or pass --warehouse"
        )
    done = compact_days(layout, settings.dedup)
    out.print(
        f"compacted {done['days']} days: {done['files_before']} files became {done['files_after']}",
        highlight=False,
    )


def _bytes(count: int) -> str:
    size = float(count)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} TB"


@app.command()
def status(
    warehouse: WarehouseOption = None,
    config: ConfigOption = None,
    last: Annotated[int, typer.Option(help="How many runs to list")] = 10,
) -> None:
    """Show the last runs and the size of the archive; exit 1 when the last run failed."""
    from flows.settings import load_settings
    from tasks.layout import Layout
    from warehouse.report import archive_status

    try:
        settings = load_settings(config, warehouse=warehouse)
    except UserError as error:
        _fail(str(error))
    layout = Layout(settings.warehouse)
    if not layout.database.exists():
        _fail(
            f"no archive at {settings.warehouse}: run `broadsheet run` first, or pass --warehouse"
        )
    found = archive_status(layout.database, layout.root / "tables", last)
    runs = Table(title="Last runs", title_justify="left")
    for column in ("run", "started", "status", "pages", "articles", "duplicates", "failed", "s"):
        runs.add_column(column)
    for run_id, started, state, *counts in found["runs"]:
        colour = "green" if state == "completed" else "red"
        runs.add_row(
            str(run_id)[:8],
            f"{started:%Y-%m-%d %H:%M}",
            f"[{colour}]{state}[/]",
            *(str(c) for c in counts),
        )
    out.print(runs)
    out.print(
        f"archive: {found['articles']} articles, {found['pages']} pages, {found['sites']} sites,"
        f" {_bytes(found['parquet_bytes'])} of Parquet in {settings.warehouse}",
        highlight=False,
    )
    if found["runs"] and found["runs"][0][2] != "completed":
        raise typer.Exit(1)


if __name__ == "__main__":
    app()
