"""Publishing one night against archives of growing size, in one run.

    .venv/bin/python bench/archive_growth.py [--sizes 100000 1000000] [--night 5000]
        [--planted 50] [--corpus DIR] [--keep DIR] [--also-counting-mb N]

Each archive is written directly, as nightly runs leave it (date partitions, a manifest per
shard, the declared schemas, `tasks/io.py`'s writer): articles, pages, paragraphs (11 an
article) and signatures (the body's and each paragraph's MinHash with its LSH band keys), over
DAYS days and SITES sites, among them the night's own, the LSH index of the signatures
(`tasks/lsh_index.py`, a segment a day) and the site furniture counts of the paragraphs. Its
texts and signatures are random, so they match nothing by chance. Into each, copies of
`--planted` of tonight's stories are put at random depths (days): the real rows the pipeline
made of them in an earlier run of their own, with their day moved.

Then the same night of real pages (the benchmark's, in edited copies as `bench/scale.py` writes
them, so no two are copies of each other) is archived by `broadsheet run` in a child process.
Printed per size: the publish seconds the run recorded, the whole run's seconds, the peak
resident memory of the process tree, the bytes of the archive's LSH index per article after
the night (and of the `signatures` it points into, before the night), and how many planted
copies the night found (of those whose night page became an article: a page the night makes
no article of is no copy to find). The last three lines give the largest size against the
smallest, the planted copies found over all sizes, and the peak at the largest.
"""

import argparse
import shutil
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.corpus import DEFAULT_CORPUS, load_corpus
from bench.scale import edited, measured_run, write_inputs
from schemas import ARTICLES, PAGES, PARAGRAPHS, TABLES
from tasks import io
from tasks.compact import COMPACTED_PREFIX, day_record, rows_per_group, sorted_for_scans
from tasks.config import DedupConfig
from tasks.dedup import signature_rows
from tasks.ids import stable_id
from tasks.layout import Layout
from tasks.lsh_index import ArchiveIndex, schemes_of
from tasks.minhash import article_scheme, paragraph_scheme
from tasks.publish import bring_counts_up_to_date, ensure_tables
from tasks.site_counts import SiteCounts

DAYS = 100  # one shard file a day and table
SITES = 300  # the night's 181 sites and others
PARAGRAPHS_PER_ARTICLE = 11
START = datetime(2025, 1, 1, tzinfo=UTC)
# A pool of paragraph texts the synthetic articles draw from; each paragraph's key is its own.
_POOL = 50_000


def _ids(kind: str, day: int, count: int) -> pa.Array:
    return pa.array([stable_id(kind, str(day), str(n)) for n in range(count)], pa.string())


def day_tables(day: int, count: int, rng: np.random.Generator) -> dict[str, pa.Table]:
    """The rows of `count` synthetic articles published on day `day`."""
    config = DedupConfig()
    when = START + timedelta(days=day)
    article_ids = _ids("article", day, count)
    sites = pa.array([f"site{s:03d}.example" for s in rng.integers(0, SITES, count)], pa.string())
    seen = pa.array([when] * count, ARTICLES.field("first_seen_at").type)
    texts = pa.array([f"Synthetic paragraph {n} of the growth bench." for n in range(_POOL)])
    total = count * PARAGRAPHS_PER_ARTICLE
    owner = np.repeat(np.arange(count), PARAGRAPHS_PER_ARTICLE)
    paragraph_keys = _ids("paragraph", day, total)
    body_hashes = _ids("body", day, count)
    paragraphs = pa.table(
        {
            "page_id": article_ids.take(owner),
            "article_id": article_ids.take(owner),
            "site": sites.take(owner),
            "position": pa.array(np.tile(np.arange(PARAGRAPHS_PER_ARTICLE), count), pa.int32()),
            "text": texts.take(rng.integers(0, _POOL, total)),
            "text_key": paragraph_keys,
            "status": pa.array(["kept"] * total),
        }
    )
    articles = pa.table(
        {
            "article_id": article_ids,
            "url": pa.array([f"https://example.org/{day}/{n}" for n in range(count)]),
            "site": sites,
            "body": pa.array(["Synthetic body."] * count),
            "word_count": pa.array([300] * count, pa.int32()),
            "body_hash": body_hashes,
            "first_seen_at": seen,
            "run_id": pa.array([f"run-{day}"] * count),
        }
    )
    pages = pa.table(
        {
            "page_id": article_ids,
            "url": articles["url"],
            "site": sites,
            "source": pa.array([f"night-{day}.warc.gz#{n}" for n in range(count)]),
            "fetched_at": seen,
            "status": pa.array(["article"] * count),
            "article_id": article_ids,
            "run_id": articles["run_id"],
        }
    )
    bodies, tracked = article_scheme(config), paragraph_scheme(config)
    body_keys = pa.table(
        {"article_id": article_ids, "position": pa.nulls(count, pa.int32())}
        | {"first_seen_at": seen, "text_hash": body_hashes}
    )
    paragraph_sig_keys = pa.table(
        {"article_id": paragraphs["article_id"], "position": paragraphs["position"]}
        | {"first_seen_at": seen.take(owner), "text_hash": paragraph_keys}
    )
    signatures = pa.concat_tables(
        [
            signature_rows(body_keys, _random_minhash(rng, count, bodies.num_perm), bodies),
            signature_rows(
                paragraph_sig_keys, _random_minhash(rng, total, tracked.num_perm), tracked
            ),
        ]
    )
    return {
        "articles": _conform(articles, ARTICLES),
        "pages": _conform(pages, PAGES),
        "paragraphs": _conform(paragraphs, PARAGRAPHS),
        "signatures": signatures,
    }


def _random_minhash(rng: np.random.Generator, rows: int, num_perm: int) -> np.ndarray:
    return rng.integers(0, 2**32 - 1, (rows, num_perm), dtype=np.uint32)


def _conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """`table` with the schema's other columns as nulls, in the schema's order."""
    columns = [
        table[field.name].cast(field.type)
        if field.name in table.column_names
        else pa.nulls(len(table), field.type)
        for field in schema
    ]
    return pa.Table.from_arrays(columns, schema=schema)


# The date-partitioned tables a night writes (TABLES also holds runs and fetches).
DAILY = ("articles", "pages", "paragraphs", "signatures")


def write_archive(layout: Layout, articles: int, seed: int) -> None:
    """`articles` synthetic articles over DAYS days, one shard (and manifest) a day, and the
    LSH index of their signatures, a segment a day, as the nights and compaction would have
    left them."""
    ensure_tables(layout)
    rng = np.random.default_rng(seed)
    index = ArchiveIndex(layout, schemes_of(DedupConfig()))
    for day in range(DAYS):
        count = articles // DAYS + (day < articles % DAYS)
        shard = stable_id("growth", str(day))
        when = (START + timedelta(days=day)).date()
        # As compaction leaves a day: one file a table (and its record), sorted, in row groups
        # for scanning; so the night's compaction leaves it alone, as it would an old day.
        compacted = f"{COMPACTED_PREFIX}{stable_id('compacted', shard)[:20]}"
        files = []
        for name, rows in day_tables(day, count, rng).items():
            table = sorted_for_scans(rows, name)
            path = layout.partition_file(name, when, compacted)
            io.write_parquet(table, TABLES[name], path, rows_per_group(table, name))
            files.append(str(path.relative_to(layout.root)))
            if name == "signatures":
                index.add([(path, table)])
        io.write_json({"shard": shard, "files": files}, layout.manifest(shard))
        record = {"day": when.isoformat(), "file": compacted, "shards": [shard]}
        io.write_json(record, day_record(layout, when.isoformat()))


def write_planted_inputs(pages: dict[str, bytes], folder: Path, numbers: list[int]) -> list[str]:
    """The night's pages `numbers` as they were first captured, months before the night, at
    other URLs: the originals whose copies the night brings again. Returns the URLs the night
    gives those pages (as bench/scale.py's write_inputs does)."""
    keys = sorted(pages)
    folder.mkdir(parents=True, exist_ok=True)
    night_urls = []
    for n in numbers:
        copy, site = divmod(n, len(keys))
        html = edited(pages[keys[site]], copy)
        (folder / f"site{site:03d}-{copy}-{keys[site][:12]}.html").write_bytes(html)
        night_urls.append(f"https://site{site:03d}.example/news/{copy}/{keys[site]}")
    return night_urls


def plant(planted: Layout, into: Layout, rng: np.random.Generator) -> None:
    """Copy the published files of `planted` into `into`, the same random day for every table
    of a date partition (as its run would have left it on that day)."""
    days = sorted({p.parent.name for p in planted.root.glob("tables/*/date=*/*.parquet")})
    for partition in days:
        day = (START + timedelta(days=int(rng.integers(0, DAYS)))).date().isoformat()
        for table in DAILY:
            for source in sorted(planted.table(table).glob(f"{partition}/*.parquet")):
                target = into.table(table) / f"date={day}" / f"planted-{source.name}"
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)


def count_lines(layout: Layout) -> None:
    """Count the archive's paragraph lines for site furniture, as the nights would have kept
    them (the first run of an archive without counts does the same)."""
    memory_mb = DedupConfig().counting_memory_mb
    with io.counts_database(layout.counts, memory_mb) as database:
        bring_counts_up_to_date(layout, SiteCounts(database), {}, memory_mb)


def index_bytes(layout: Layout) -> int:
    """Bytes of the LSH index (`_index/`)."""
    return sum(p.stat().st_size for p in layout.index.glob("*.parquet"))


def signature_bytes(layout: Layout) -> int:
    """Bytes of the `signatures` table, which the index points into."""
    return sum(p.stat().st_size for p in layout.table("signatures").rglob("*.parquet"))


def planted_found(warehouse: Layout, planted: Layout, night_urls: list[str]) -> tuple[int, int]:
    """(planted stories the night found as copies of their planted originals, planted stories
    the night archived at all): a night page that became no article (a listing by its URL's
    shape, say) is no copy to find."""
    with duckdb.connect() as connection:
        originals = [
            row[0]
            for row in connection.execute(
                "SELECT DISTINCT article_id FROM read_parquet(?) WHERE status = 'article'",
                [str(planted.table("pages") / "**" / "*.parquet")],
            ).fetchall()
        ]
        found, wanted = connection.execute(
            "SELECT count(*) FILTER (status = 'duplicate' AND list_contains(?, article_id)),"
            " count(*) FILTER (status IN ('article', 'duplicate'))"
            " FROM read_parquet(?) WHERE list_contains(?, url)",
            [originals, str(warehouse.table("pages") / "**" / "*.parquet"), night_urls],
        ).fetchone() or (0, 0)
    return int(found), int(wanted)


def publish_seconds(warehouse: Layout) -> float:
    with duckdb.connect(str(warehouse.database), read_only=True) as connection:
        (seconds,) = connection.execute(
            "SELECT publish_seconds FROM runs ORDER BY started_at DESC LIMIT 1"
        ).fetchone() or (float("nan"),)
    return float(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--night", type=int, default=5_000, help="pages in the night")
    parser.add_argument("--planted", type=int, default=50, help="stories planted in each size")
    parser.add_argument("--keep", type=Path, help="keep inputs and warehouses in this folder")
    parser.add_argument(
        "--also-counting-mb",
        type=int,
        help="publish the same night again on a copy of each archive as it was before the night,"
        " with [dedup] counting_memory_mb set to this (DuckDB's memory limit), to see how much"
        " of the peak is DuckDB's",
    )
    args = parser.parse_args()
    pages, _ = load_corpus(args.corpus)
    rng = np.random.default_rng(19)
    with tempfile.TemporaryDirectory() as scratch:
        root = args.keep or Path(scratch)
        write_inputs(pages, root / "night", args.night)
        numbers = sorted(int(n) for n in rng.choice(args.night, args.planted, replace=False))
        night_urls = write_planted_inputs(pages, root / "planted-in", numbers)
        planted = Layout(root / "planted")
        measured_run(root / "planted-in", planted.root)
        print(
            f"{'articles':>10}{'publish s':>11}{'run s':>8}{'peak MiB':>10}"
            f"{'index B/article':>17}{'signatures B/article':>22}   planted copies found"
        )
        results = []
        for size in args.sizes:
            layout = Layout(root / f"archive-{size}")
            write_archive(layout, size - args.planted, seed=size)
            plant(planted, layout, rng)
            count_lines(layout)
            signatures = signature_bytes(layout) / size
            again = Layout(root / f"archive-{size}-again")
            if args.also_counting_mb:
                shutil.copytree(layout.root, again.root)
            seconds, peak = measured_run(root / "night", layout.root)
            per_article = index_bytes(layout) / size
            found, wanted = planted_found(layout, planted, night_urls)
            publish = publish_seconds(layout)
            results.append((size, publish, peak, found, wanted))
            print(
                f"{size:>10}{publish:>11.1f}{seconds:>8.1f}{peak / 2**20:>10.0f}"
                f"{per_article:>17.0f}{signatures:>22.0f}   {found}/{wanted}"
            )
            sys.stdout.flush()
            if args.also_counting_mb:
                limit = {"BROADSHEET_DEDUP__COUNTING_MEMORY_MB": str(args.also_counting_mb)}
                seconds, peak = measured_run(root / "night", again.root, limit)
                print(
                    f"{'':>10}{publish_seconds(again):>11.1f}{seconds:>8.1f}{peak / 2**20:>10.0f}"
                    f"   the same night with counting_memory_mb = {args.also_counting_mb}"
                )
                shutil.rmtree(again.root)
            if not args.keep:
                shutil.rmtree(layout.root)
    (small, small_publish, *_), (large, large_publish, large_peak, *_) = results[0], results[-1]
    found = sum(r[3] for r in results)
    wanted = sum(r[4] for r in results)
    print(f"ratio {_power(large)}/{_power(small)}: {large_publish / small_publish:.2f}")
    print(f"planted copies found: {found}/{wanted}")
    print(f"peak RSS at {_power(large)}: {large_peak / 2**20:.0f} MiB")


def _power(size: int) -> str:
    """10^k for a power of ten, the number otherwise."""
    exponent = len(str(size)) - 1
    return f"10^{exponent}" if size == 10**exponent else str(size)


if __name__ == "__main__":
    main()
