"""Deciding copies and furniture across a run and the archive, then publishing staged shards.

The decisions themselves are pure functions in tasks/dedup.py (the survivor rule is stated
there); this module reads what they need from the archive and writes what they decide.
"""

import contextlib
import ctypes
import logging
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from schemas import ARTICLES, PAGES, PARAGRAPHS, ROW_KEYS, STAGED, TABLES
from tasks import dedup, io, lsh_index, site_counts
from tasks.columns import listed, only, update_where, without
from tasks.config import DedupConfig
from tasks.layout import Layout
from tasks.minhash import Scheme, article_scheme, paragraph_scheme, similarity


def colliding_pages(pages_by_shard: dict[str, list[str]]) -> dict[str, set[str]]:
    """Page ids staged by more than one shard: every shard but the first (by key) drops them."""
    owner: dict[str, str] = {}
    dropped: dict[str, set[str]] = defaultdict(set)
    for shard in sorted(pages_by_shard):
        for pid in pages_by_shard[shard]:
            if pid in owner:
                dropped[shard].add(pid)
            else:
                owner[pid] = shard
    return dropped


def collision_counts(staged: dict[str, pa.Table], dropped: dict[str, set[str]]) -> Counter[str]:
    """Corrections to the extraction's counts for the pages that `colliding_pages` drops
    (`staged`: each shard's staged page_id, status and reason): each was counted by its status
    when its shard was extracted, and is the same capture as a page of another shard, so it
    counts as known (seen before) instead."""
    counts: Counter[str] = Counter({"pages_collided": sum(map(len, dropped.values()))})
    for shard, ids in dropped.items():
        for row in staged[shard].to_pylist():
            if row["page_id"] in ids:
                counts["known"] += 1
                counts[row["status"]] -= 1
                if row["reason"]:
                    counts[f"{row['status']}/{row['reason']}"] -= 1
    return counts


def mark_copies(pages: pa.Table, copies: dict[str, dedup.Copy]) -> pa.Table:
    """Turn the pages of copied articles into `duplicate` rows pointing at their survivor."""
    ids = pages["article_id"].to_pylist()
    found = [copies.get(i) for i in ids]
    return update_where(
        pages,
        listed(pages, "article_id", copies),
        {
            "status": "duplicate",
            "reason": pa.array([c.reason if c else None for c in found], pa.string()),
            "article_id": pa.array([c.survivor if c else None for c in found], pa.string()),
            "similarity": pa.array([c.similarity if c else None for c in found], pa.float32()),
            "containment": pa.array([c.containment if c else None for c in found], pa.float32()),
        },
    )


def demote_pages(pages: pa.Table, article_ids: set[str], reason: str) -> pa.Table:
    """Turn the pages of `article_ids` into `not_article` rows with `reason`."""
    mask = listed(pages, "article_id", article_ids)
    return update_where(
        pages, mask, {"status": "not_article", "reason": reason, "article_id": None}
    )


class Night:
    """What publishing keeps across a night's groups:

    - the site furniture counts (`counts`, site_counts.SiteCounts in the SQLite database
      `connection`: the warehouse's, kept from night to night; in memory otherwise), to which
      each group adds the lines it published, and which know the furniture each site's archive
      is marked with.

    The groups' signatures are in the archive's index (each group adds a segment).
    """

    def __init__(self, connection: sqlite3.Connection | None = None) -> None:
        self.counts = site_counts.SiteCounts(connection)

    def add(self, rows: dict[str, pa.Table]) -> None:
        """Hold what a group published (its final rows)."""
        self.counts.add(rows["paragraphs"])


class Archive:
    """Read access to what earlier runs published, leaving out the files of the shards being
    published now (a shard redone after a crash must not meet its own rows). Signatures are
    found through the archive's LSH `index` (tasks/lsh_index.py), reconciled before the
    night's first group and given a segment by each group as it is published."""

    def __init__(
        self,
        layout: Layout,
        shards: list[str],
        index: lsh_index.ArchiveIndex,
        night: Night | None = None,
    ) -> None:
        self.layout = layout
        self.own = set(shards)
        self.index = index
        self.night = night

    def files(self, table: str) -> list[Path]:
        """The table's files, without those of the shards being published."""
        return io.parquet_files(self.layout.table(table), leave_out=self.own)

    def signatures_like(self, queries: pa.Table, scheme: Scheme, whole: bool) -> pa.Table:
        """Archived signatures (whole bodies or paragraphs) sharing a band with `queries`."""
        return self.index.sharing_a_band(queries, scheme, whole)

    def body_minhash(self, article_ids: set[str]) -> pa.Table:
        """article_id and whole-body minhash of archived `article_ids` (found by a lookup)."""
        return self.index.body_minhash(article_ids)

    def paragraphs_of(self, sites: set[str], columns: list[str]) -> Iterator[tuple[Path, pa.Table]]:
        """`columns` of the archived paragraphs of `sites`, file by file."""
        wanted = pa.array(sorted(sites), pa.string())
        return io.scan(
            self.files("paragraphs"),
            PARAGRAPHS,
            columns,
            lambda rows: rows.filter(pc.fill_null(pc.is_in(rows["site"], wanted), False)),
            [("site", "in", sorted(sites))],
        )


def _article_signatures(articles: pa.Table, paragraphs: pa.Table, scheme: Scheme) -> pa.Table:
    keys = articles.select(["article_id", "first_seen_at", "body_hash"]).rename_columns(
        {"body_hash": "text_hash"}
    )
    keys = keys.append_column("position", pa.nulls(len(keys), pa.int32()))
    return dedup.signature_rows(keys, dedup.body_signatures(articles, paragraphs, scheme), scheme)


def _paragraph_signatures(tracked: pa.Table, articles: pa.Table, scheme: Scheme) -> pa.Table:
    """Signature rows of `tracked` paragraphs, first seen when their article was."""
    owner = pc.index_in(tracked["article_id"], value_set=articles["article_id"])
    keys = tracked.select(["article_id", "position", "text_key"]).rename_columns(
        {"text_key": "text_hash"}
    )
    keys = keys.append_column("first_seen_at", pc.take(articles["first_seen_at"], owner))
    return dedup.signature_rows(keys, dedup.signature_matrix(tracked), scheme)


def _first_sightings_only(tracked: pa.Table, sightings: dict[tuple, str]) -> pa.Table:
    """The rows of `tracked` (paragraph signatures) that are not reuses of an earlier one."""
    first = [key not in sightings for key in dedup.paragraph_keys(tracked)]
    return tracked.filter(pa.array(first, pa.bool_()))


def _clean(
    articles: pa.Table, paragraphs: pa.Table, furniture: set[tuple[str, str]]
) -> tuple[pa.Table, pa.Table, set[str]]:
    """Mark `furniture` in the paragraphs and rebuild the bodies that changed."""
    paragraphs = dedup.mark_boilerplate(paragraphs, furniture)
    articles, changed = dedup.rebuild_bodies(articles, paragraphs)
    return articles, paragraphs, changed


class _Copies:
    """Finds copies among a run's articles and keeps what it found."""

    def __init__(self, archive: Archive, articles: pa.Table, scheme: Scheme) -> None:
        self.archive = archive
        self.scheme = scheme
        self.published = dict(
            zip(
                articles["article_id"].to_pylist(),
                articles["published_at"].to_pylist(),
                strict=True,
            )
        )
        self.found: dict[str, dedup.Copy] = {}
        self.copy_paragraphs: list[pa.Table] = []
        # The copies' articles and kept paragraphs as they were found, to measure containment.
        self.copy_articles: list[pa.Table] = [articles.slice(0, 0)]
        self.copy_kept: list[pa.Table] = []

    def split(self, articles: pa.Table, paragraphs: pa.Table) -> tuple[pa.Table, pa.Table]:
        """Find copies among `articles` (against the archive and each other); return the
        survivors and their paragraphs. The copies' paragraphs are kept aside as evidence."""
        signed = _article_signatures(articles, paragraphs, self.scheme)
        candidates = self.archive.signatures_like(signed, self.scheme, whole=True)
        found = dedup.find_copies(signed, self.published, candidates, self.scheme)
        return self.set_aside(articles, paragraphs, found)

    def set_aside(
        self, articles: pa.Table, paragraphs: pa.Table, found: dict[str, dedup.Copy]
    ) -> tuple[pa.Table, pa.Table]:
        """Hold the `found` copies and their paragraphs as evidence; return the others."""
        self.found.update(found)
        copied = only(paragraphs, "article_id", set(found))
        self.copy_articles.append(only(articles, "article_id", set(found)))
        self.copy_kept.append(copied)
        self.copy_paragraphs.append(dedup.as_copy_paragraphs(copied, found))
        return without(articles, "article_id", set(found)), without(
            paragraphs, "article_id", set(found)
        )

    def paragraphs(self) -> pa.Table:
        return pa.concat_tables(self.copy_paragraphs)

    def measure_containment(
        self, shared: dict[tuple[str, str], tuple[int, int]], sizes: dict[str, int]
    ) -> None:
        """Fill in each copy found so far the share of its text found in its survivor (see
        dedup.contained_copies; a copy with no tracked paragraph has none)."""
        for article_id, copy in self.found.items():
            if copy.containment is not None or (
                copy.reason != dedup.EXACT and not sizes.get(article_id)
            ):
                continue
            found, _ = shared.get((article_id, copy.survivor), (0, 0))
            share = 1.0 if copy.reason == dedup.EXACT else found / sizes[article_id]
            self.found[article_id] = replace(copy, containment=min(share, 1.0))

    def order(self, articles: pa.Table) -> list[str]:
        """The ids of `articles` in the survivor rule's order (tasks/dedup.py)."""
        rows = zip(
            articles["first_seen_at"].to_pylist(), articles["article_id"].to_pylist(), strict=True
        )
        ranked = sorted((dedup.survivor_rank(t, self.published.get(a), a), a) for t, a in rows)
        return [a for _, a in ranked]


def _contained_copies(
    archive: Archive, signed: pa.Table, contained: dict[str, tuple[str, float]]
) -> dict[str, dedup.Copy]:
    """The `contained` copies (copy -> survivor, containment) as Copy records, with the
    estimated Jaccard similarity of the two bodies: the survivor's signature is tonight's or
    the archive's."""
    ids = pa.array(sorted({s for s, _ in contained.values()} | set(contained)), pa.string())
    known = signed.select(["article_id", "minhash"]).filter(pc.is_in(signed["article_id"], ids))
    archived = archive.body_minhash(set(ids.to_pylist()) - set(known["article_id"].to_pylist()))
    rows = pa.concat_tables([known, archived])
    signature = {
        a: np.frombuffer(m, dtype="<u4")
        for a, m in zip(rows["article_id"].to_pylist(), rows["minhash"].to_pylist(), strict=True)
    }
    found = {}
    for copy, (survivor, share) in contained.items():
        jaccard = similarity(signature[copy], signature[survivor]) if survivor in signature else 0.0
        found[copy] = dedup.Copy(survivor, jaccard, dedup.CONTAINED, share)
    return found


def _hollow(articles: pa.Table, paragraphs: pa.Table) -> tuple[pa.Table, pa.Table, set[str]]:
    """Take out articles left with no body: pages that were nothing but site furniture (a tag
    page, a login wall). Their paragraphs stay, belonging to no article."""
    hollow = set(articles.filter(pc.equal(articles["word_count"], 0))["article_id"].to_pylist())
    mask = listed(paragraphs, "article_id", hollow)
    paragraphs = update_where(paragraphs, mask, {"article_id": None})
    return without(articles, "article_id", hollow), paragraphs, hollow


def decide(
    archive: Archive, run: dict[str, pa.Table], config: DedupConfig
) -> tuple[dict[str, pa.Table], dict[str, int]]:
    """Decide copies, site furniture and reused paragraphs for a run's staged rows.

    Returns the run's final rows (pages, articles, paragraphs, signatures) and counters.
    """
    articles, paragraphs = run["articles"], run["paragraphs"]
    sites = {s for s in paragraphs["site"].to_pylist() if s is not None}
    scheme = article_scheme(config)
    copies = _Copies(archive, articles, scheme)
    night = archive.night or Night()
    counts = night.counts
    # Copies are judged on bodies cleaned of the furniture known so far.
    articles, paragraphs, _ = _clean(articles, paragraphs, counts.boilerplate(config, sites))
    articles, paragraphs, hollow = _hollow(articles, paragraphs)
    articles, paragraphs = copies.split(articles, paragraphs)
    # Then furniture is counted per story: five captures of one story are one piece of
    # evidence, ten copies of ten wire stories on a new site are ten. The group's lines count
    # until it is decided; the night then holds them as published (Night.add).
    with counts.pending():
        counts.add(paragraphs)
        counts.add(copies.paragraphs())
        furniture = counts.boilerplate(config, sites)
    articles, paragraphs, changed = _clean(articles, paragraphs, furniture)
    articles, paragraphs, emptied = _hollow(articles, paragraphs)
    hollow |= emptied
    if changed:  # furniture found tonight (a site's first pages) may have hidden copies
        articles, paragraphs = copies.split(articles, paragraphs)
    signed = _article_signatures(articles, paragraphs, scheme)

    # Paragraphs met before: in earlier stories (first sightings), and in such numbers that an
    # article is a copy of one of them (containment), which whole-body Jaccard misses when a
    # copy was trimmed or re-leded. The copies found so far are matched too, to measure them.
    pscheme = paragraph_scheme(config)
    mine = dedup.tracked_paragraphs(paragraphs)
    tracked = _paragraph_signatures(mine, articles, pscheme)
    copied_kept = dedup.tracked_paragraphs(
        pa.concat_tables([paragraphs.slice(0, 0), *copies.copy_kept])
    )
    copied = _paragraph_signatures(copied_kept, pa.concat_tables(copies.copy_articles), pscheme)
    queries = pa.concat_tables([tracked, copied])
    archived = archive.signatures_like(queries, pscheme, whole=False)
    matches = dedup.paragraph_matches(
        queries, archived, pscheme, np.arange(len(queries)) < len(tracked)
    )
    sizes = pa.concat_tables(
        [mine.select(["article_id", "size"]), copied_kept.select(["article_id", "size"])]
    )
    shared = dedup.shared_text(matches, sizes["size"].to_numpy())
    per_article = sizes.group_by("article_id", use_threads=False).aggregate([("size", "sum")])
    sizes_of = dict(
        zip(per_article["article_id"].to_pylist(), per_article["size_sum"].to_pylist(), strict=True)
    )
    contained = dedup.contained_copies(shared, sizes_of, copies.order(articles), config)
    copies.measure_containment(shared, sizes_of)
    if contained:
        found = _contained_copies(archive, signed, contained)
        articles, paragraphs = copies.set_aside(articles, paragraphs, found)
        signed = without(signed, "article_id", set(found))
        tracked = without(tracked, "article_id", set(found))
    sightings = dedup.first_sightings(
        queries, archived, pscheme, dedup.leaving_out(matches, set(copies.found))
    )
    paragraphs = pa.concat_tables(
        [dedup.set_first_seen(paragraphs, sightings), copies.paragraphs()]
    )
    copies_found = copies.found

    reasons = [c.reason for c in copies_found.values()]
    marked = pc.equal(paragraphs["reason"], dedup.SITE_BOILERPLATE)
    totals = {
        "duplicates": len(copies_found),
        "exact_duplicates": reasons.count(dedup.EXACT),
        "near_duplicates": reasons.count(dedup.NEAR),
        "contained_copies": reasons.count(dedup.CONTAINED),
        "boilerplate_paragraphs": pc.sum(pc.cast(marked, pa.int64())).as_py() or 0,
        "reused_paragraphs": len(sightings),
        # Counter corrections for pages the shard tasks counted as articles.
        "article": -len(hollow),
        "not_article": len(hollow),
        "not_article/only_boilerplate": len(hollow),
        "articles_recleaned": reclean_archive(archive, sites, furniture, night),
    }
    rows = {
        "pages": demote_pages(mark_copies(run["pages"], copies_found), hollow, "only_boilerplate"),
        "articles": articles,
        "paragraphs": paragraphs,
        # A reused paragraph is not indexed: its first sighting is, and a later page that has it
        # again is matched to that one. So a line repeated on every page of a site costs one
        # index row, not one per page, and matching stays as cheap as the archive grows.
        "signatures": pa.concat_tables([signed, _first_sightings_only(tracked, sightings)]),
    }
    return rows, totals


def reclean_archive(
    archive: Archive, sites: set[str], furniture: set[tuple[str, str]], night: Night
) -> int:
    """Bring archived articles of `sites` in line with their current site `furniture`; return
    how many bodies changed.

    Only sites whose marks may change are read (SiteCounts.sites_to_mark: the counts know which
    lines each site's archive is marked with and which it holds), and of their files only those
    where a mark changes are rewritten. The article file is rewritten before its paragraph file,
    and the new marks are recorded only when every file is, so a crash part way leaves marks
    still to change, which the next run finds and finishes.
    """
    counts = night.counts
    changing = counts.sites_to_mark(furniture, sites)
    changed_total = 0
    marks = ["site", "text_key", "status", "reason"]
    for path, lines in archive.paragraphs_of(changing, marks) if changing else ():
        if not dedup.needs_marking(lines, furniture, changing):
            continue
        paragraphs = io.read_parquet(path, PARAGRAPHS)
        paragraphs = dedup.mark_boilerplate(paragraphs, furniture, changing)
        articles_file = archive.layout.table("articles") / path.relative_to(
            archive.layout.table("paragraphs")
        )
        if articles_file.exists():
            articles, changed = dedup.rebuild_bodies(
                io.read_parquet(articles_file, ARTICLES), paragraphs
            )
            io.write_parquet(articles, ARTICLES, articles_file)
            changed_total += len(changed)
        io.write_parquet(paragraphs, PARAGRAPHS, path)
    counts.set_marked(furniture, sites)
    return changed_total


def by_day(tables: dict[str, pa.Table]) -> dict[tuple[str, date], pa.Table]:
    """Split a shard's tables into date partitions: the capture day of each row's page."""
    day_of_page = {
        pid: ts.date()
        for pid, ts in zip(
            tables["pages"]["page_id"].to_pylist(),
            tables["pages"]["fetched_at"].to_pylist(),
            strict=True,
        )
    }
    parts: dict[tuple[str, date], pa.Table] = {}
    for name, table in tables.items():
        days = [day_of_page[k] for k in table[ROW_KEYS[name]].to_pylist()]
        for day in sorted(set(days)):
            mask = pa.array([d == day for d in days])
            parts[(name, day)] = table.filter(mask)
    return parts


def _shard_rows(rows: dict[str, pa.Table], page_ids: list[str]) -> dict[str, pa.Table]:
    """The rows of a run that belong to the shard that staged `page_ids`."""
    return {name: only(table, ROW_KEYS[name], page_ids) for name, table in rows.items()}


def batches(pages: dict[str, int], limit: int) -> list[list[str]]:
    """The shards (in order) cut into consecutive groups of at most `limit` pages (a shard
    larger than that is a group of its own)."""
    groups: list[list[str]] = [[]]
    size = 0
    for shard, count in pages.items():
        if groups[-1] and size + count > limit:
            groups.append([])
            size = 0
        groups[-1].append(shard)
        size += count
    return [g for g in groups if g]


def publish_shards(
    layout: Layout, run_id: str, shards: list[str], config: DedupConfig, cluster: Any = None
) -> dict[str, int]:
    """Decide copies, then move each staged shard into the date partitions of the tables.

    The run is decided in groups of about `config.batch_pages` pages, so memory holds one group
    (and the matching part of the archive), not the whole night. Each group is decided against
    the archive and the groups before it, as a night of its own would be.

    Each file is replaced atomically and a shard's manifest is written last, so a crash leaves
    either a shard to redo or a finished one; redoing writes the same files again. With
    `cluster` (a Dask distributed.Client), the lookups' joins against the LSH index run on it.
    """
    staged = {
        shard: io.read_parquet(layout.staged_file(shard, "pages"), PAGES).select(
            ["page_id", "status", "reason"]
        )
        for shard in shards
    }
    page_ids = {shard: pages["page_id"].to_pylist() for shard, pages in staged.items()}
    dropped = colliding_pages(page_ids)
    totals = collision_counts(staged, dropped)
    groups = batches({s: len(ids) for s, ids in page_ids.items()}, config.batch_pages)
    give_back_memory()  # what the extraction stage freed, before the first group
    # Counts kept in DuckDB before this version are dropped; the new ones are counted anew.
    for legacy in ("furniture.duckdb", "furniture.duckdb.wal"):
        io.remove_file(layout.counts.with_name(legacy))
    memory_mb = config.counting_memory_mb
    with io.counts_database(layout.counts, memory_mb) as database:
        night = Night(database)
        bring_counts_up_to_date(layout, night.counts, page_ids, memory_mb)
        index = lsh_index.ArchiveIndex(layout, lsh_index.schemes_of(config), cluster)
        totals.update(index.reconcile(leave_out=set(shards)))
        for number, group in enumerate(groups):
            # Shards of later groups are left out too: what a crash left of them is no archive.
            later = [s for later in groups[number:] for s in later]
            archive = Archive(layout, later, index, night)
            totals.update(_publish_group(layout, run_id, group, dropped, archive, config))
            give_back_memory()
    return dict(totals)


# Row groups of a table's published files, where its readers want another size than the default.
ROW_GROUP_ROWS = {"signatures": lsh_index.SIGNATURE_ROW_GROUP}


def bring_counts_up_to_date(
    layout: Layout,
    counts: site_counts.SiteCounts,
    page_ids: dict[str, list[str]],
    memory_mb: int,
) -> None:
    """Make `counts` hold the lines of the archive without the shards being published
    (`page_ids`: each one's staged pages): the first time, by counting every archived paragraph
    (an archive from before the counts were kept); after that, by taking out whatever an
    interrupted or released earlier publishing of those pages left counted."""
    if counts.built:
        counts.remove_pages(sorted({p for ids in page_ids.values() for p in ids}))
        return
    files = io.parquet_files(layout.table("paragraphs"), leave_out=set(page_ids))
    columns = ["site", "text_key", "article_id", "status", "page_id", "reason"]
    parts = (rows for _, rows in io.scan(files, PARAGRAPHS, columns, lambda rows: rows))
    counts.rebuild(parts, memory_mb, layout.counts.with_name("rebuild.tmp"))


def give_back_memory() -> None:
    """Return freed memory to the system between groups: Arrow's pool, and the C heap, which
    otherwise keeps a group's peak (glibc's malloc_trim, as Dask's workers do; a no-op where
    there is no glibc)."""
    pa.default_memory_pool().release_unused()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _publish_group(
    layout: Layout,
    run_id: str,
    shards: list[str],
    dropped: dict[str, set[str]],
    archive: Archive,
    config: DedupConfig,
) -> dict[str, int]:
    staged = {
        shard: {
            name: without(
                io.read_parquet(layout.staged_file(shard, name), schema),
                ROW_KEYS[name],
                dropped.get(shard, set()),
            )
            for name, schema in STAGED.items()
        }
        for shard in shards
    }
    run = {
        name: pa.concat_tables([schema.empty_table(), *(t[name] for t in staged.values())])
        for name, schema in STAGED.items()
    }
    rows, totals = decide(archive, run, config)
    if archive.night:
        archive.night.add(rows)
    signature_files = []
    for shard in shards:
        tables = _shard_rows(rows, staged[shard]["pages"]["page_id"].to_pylist())
        files = []
        for (name, day), part in by_day(tables).items():
            path = layout.partition_file(name, day, shard)
            io.write_parquet(part, TABLES[name], path, ROW_GROUP_ROWS.get(name))
            files.append(str(path.relative_to(layout.root)))
            if name == "signatures":
                signature_files.append((path, part))
        # A shard done again (reprocessed) drops the files of its earlier version it no longer has.
        earlier = (io.read_json(layout.manifest(shard)) or {}).get("files", [])
        for stale in sorted(set(earlier) - set(files)):
            io.remove_file(layout.root / stale)
        io.write_json(
            {"shard": shard, "run_id": run_id, "files": sorted(files)}, layout.manifest(shard)
        )
    archive.index.add(signature_files)
    return totals


def is_published(layout: Layout, shard: str) -> bool:
    """Whether `shard` is archived: its manifest is written and it was not released for
    extraction again (tasks/compact.py release)."""
    manifest = io.read_json(layout.manifest(shard))
    return manifest is not None and not manifest.get("released")


def ensure_tables(layout: Layout) -> None:
    """Give every table a zero-row file, so its view works before any data arrives."""
    for name, schema in TABLES.items():
        path = layout.empty_file(name)
        if not path.exists():
            io.write_parquet(schema.empty_table(), schema, path)


def _log_banding(logger: logging.Logger | logging.LoggerAdapter, config: DedupConfig) -> None:
    for what, scheme in (
        ("articles", article_scheme(config)),
        ("paragraphs", paragraph_scheme(config)),
    ):
        bands, rows = scheme.banding
        logger.info(
            "LSH for %s: %d bands x %d rows (%d permutations, %d-word shingles, Jaccard %.2f)",
            what, bands, rows, scheme.num_perm, scheme.shingle_words, scheme.threshold,
        )  # fmt: skip


@task(name="publish-run", retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def publish_run(
    warehouse: str,
    run_id: str,
    shards: list[str],
    config: DedupConfig,
    dask_address: str | None = None,
) -> dict[str, int]:
    """Publish the run's staged shards into the archive and clear the staging area; with
    `dask_address`, the lookups in the archive's index run on that Dask cluster."""
    _log_banding(get_run_logger(), config)
    layout = Layout(Path(warehouse))
    ensure_tables(layout)
    if dask_address:
        from distributed import Client

        cluster: Any = Client(dask_address, set_as_default=False)
    else:
        cluster = contextlib.nullcontext()
    with cluster as client:
        totals = publish_shards(layout, run_id, shards, config, client)
    for shard in shards:
        io.remove_tree(layout.staging(shard))
    return totals
