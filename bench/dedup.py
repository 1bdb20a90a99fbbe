"""Deduplication quality and cost on a labelled set built from the extraction benchmark.

    .venv/bin/python bench/dedup.py [--corpus DIR] [--sweep THRESHOLD ...]

The set (bench/labelled.py) holds every benchmark article on made-up news sites with furniture,
plus exact, near, recaptured, AMP and doubled copies, a desk's trimmed, re-leded and edited
copies, and follow-ups that are not copies. It is archived over two nights (the originals and
half the copies, then the rest), so copies are found within a run and across runs. Printed:
pairwise precision and recall of the duplicate clusters, overall and per kind of copy, the
containment recorded for each kind's copies, follow-ups merged with anything, the share of
furniture lines left in bodies, the share of true body paragraphs kept, bodies with a paragraph
twice, the time of the dedup stage against the extraction stage on the benchmark's own pages,
and the size of the signature index per archived article.
"""

import argparse
import gzip
import json
import os
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from itertools import combinations
from pathlib import Path
from typing import Any

os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import duckdb

from bench.labelled import Page, build, write_jsonl
from flows.archive import archive
from tasks import pool
from tasks.config import DedupConfig, ExtractConfig, RunConfig
from tasks.ids import normalise_text
from tasks.io import discover_inputs
from tasks.layout import Layout
from tasks.lsh_index import ArchiveIndex, schemes_of
from tasks.minhash import article_scheme, paragraph_scheme, sketch_paragraphs
from tasks.pages import build_shard_rows
from tasks.pool import worker_count
from tasks.publish import Archive, decide
from tasks.shards import Shard

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared/corpora/article-extraction-benchmark"


def load_corpus(corpus: Path) -> tuple[dict[str, str], list[Page]]:
    """The ground-truth bodies, and the benchmark's own pages (real HTML) as captures."""
    truth = json.loads((corpus / "ground-truth.json").read_text())
    bodies = {key: value["articleBody"] for key, value in truth.items()}
    captured = datetime(2024, 3, 1, tzinfo=UTC)
    real = [
        Page(
            url=value["url"],
            site="",
            html=gzip.decompress((corpus / "html" / f"{key}.html.gz").read_bytes()).decode(
                "utf-8", "replace"
            ),
            fetched_at=captured,
            cluster=key,
            kind="original",
            body=[],
        )
        for key, value in sorted(truth.items())
    ]
    return bodies, real


def archive_nights(
    pages: list[Page], root: Path, files_per_night: int = 1, dedup: DedupConfig | None = None
) -> tuple[Path, dict[str, Page]]:
    """Archive the set over two nights, each night cut into `files_per_night` JSONL files (one
    shard each); return the warehouse and the page of each source."""
    originals = [p for p in pages if p.kind == "original"]
    copies = [p for p in pages if p.kind != "original"]
    # Which night a copy comes in follows from the copy, not from its place in `pages`: the
    # same set in another order is the same two nights, each in another file order.
    ranked = sorted(range(len(copies)), key=lambda i: (copies[i].url, copies[i].fetched_at))
    later = set(ranked[1::2])
    nights = [
        originals + [c for i, c in enumerate(copies) if i not in later],
        [c for i, c in enumerate(copies) if i in later],
    ]
    warehouse = root / "warehouse"
    by_source = {}
    for night, batch in enumerate(nights, start=1):
        paths = []
        for part in range(files_per_night):
            path = root / f"night-{night}-{part}.jsonl"
            share = batch[part::files_per_night]
            write_jsonl(share, path)
            by_source.update({f"{path}:{n}": page for n, page in enumerate(share, start=1)})
            paths.append(str(path))
        archive(
            inputs=paths,
            warehouse=str(warehouse),
            extract=ExtractConfig(),
            run=RunConfig(),
            dedup=dedup or DedupConfig(),
        )
    pool.shutdown()
    return warehouse, by_source


def _pairs(labels: dict[str, str]) -> set[tuple[str, str]]:
    """Every pair of items with the same label."""
    groups = defaultdict(list)
    for item, label in labels.items():
        groups[label].append(item)
    return {(a, b) for g in groups.values() for a, b in combinations(sorted(g), 2)}


def pair_scores(truth: dict[str, str], found: dict[str, str]) -> tuple[float, float]:
    """Pairwise precision and recall of `found` clusters against `truth` (item -> cluster)."""

    true_pairs, found_pairs = _pairs(truth), _pairs(found)
    hits = len(true_pairs & found_pairs)
    return hits / max(len(found_pairs), 1), hits / max(len(true_pairs), 1)


def kind_scores(
    truth: dict[str, str], found: dict[str, str], kind_of: dict[str, str]
) -> dict[str, tuple[float, float, int]]:
    """Per kind of page: pairwise (precision, recall, true pairs) over the pairs that hold a
    page of that kind. Originals are the other side of every copy's pair, so not a kind here."""

    true_pairs, found_pairs = _pairs(truth), _pairs(found)
    scores = {}
    for kind in sorted(set(kind_of.values()) - {"original", "followup"}):
        true_k = {p for p in true_pairs if kind in (kind_of[p[0]], kind_of[p[1]])}
        found_k = {p for p in found_pairs if kind in (kind_of[p[0]], kind_of[p[1]])}
        hits = len(true_k & found_k)
        scores[kind] = (hits / max(len(found_k), 1), hits / max(len(true_k), 1), len(true_k))
    return scores


def quality(warehouse: Path, by_source: dict[str, Page]) -> dict[str, Any]:
    """The scores of an archived labelled set (see the module docstring); "per kind" maps each
    kind of copy to its pairwise (precision, recall, true pairs)."""
    with duckdb.connect(str(Layout(warehouse).database), read_only=True) as db:
        pages = db.execute("SELECT source, status, article_id FROM pages").fetchall()
        bodies = dict(db.execute("SELECT article_id, body FROM articles").fetchall())
    truth, found, survivor_of = {}, {}, {}
    for source, status, article_id in pages:
        page = by_source[source]
        truth[source] = page.cluster
        found[source] = article_id or source
        if status == "article":
            survivor_of[source] = article_id
    precision, recall = pair_scores(truth, found)
    per_kind = kind_scores(truth, found, {s: by_source[s].kind for s in truth})
    followups = [s for s, p in by_source.items() if p.kind == "followup"]
    merged = sum(sum(found[f] == found[o] for o in found if o != f) > 0 for f in followups)
    furniture_total = furniture_left = body_total = body_kept = doubled = 0
    for source, article_id in survivor_of.items():
        page = by_source[source]
        body = bodies[article_id]
        lines = [normalise_text(line) for line in body.split("\n") if normalise_text(line)]
        # A line the story itself repeats ("Also at Walmart" under each deal) is no fault.
        expected = Counter(key for p in page.body if (key := normalise_text(p)))
        doubled += any(n > max(expected[line], 1) for line, n in Counter(lines).items())
        lineset = set(lines)
        furniture = {normalise_text(f) for f in page.furniture} - {
            normalise_text(p) for p in page.body
        }
        furniture_total += len(furniture)
        furniture_left += len(furniture & lineset)
        text = normalise_text(body)
        for paragraph in page.body:
            body_total += 1
            body_kept += normalise_text(paragraph) in text
    return {
        "pages": len(pages),
        "articles": len(survivor_of),
        "precision": precision,
        "recall": recall,
        "followups merged": merged,
        "furniture left": furniture_left / max(furniture_total, 1),
        "body kept": body_kept / max(body_total, 1),
        "bodies with a paragraph twice": doubled,
        "per kind": per_kind,
    }


def copy_shares(warehouse: Path, by_source: dict[str, Page]) -> dict[str, list[float]]:
    """Per kind of page, the containment recorded for each page dropped as a copy."""
    with duckdb.connect(str(Layout(warehouse).database), read_only=True) as db:
        rows = db.execute(
            "SELECT source, containment FROM pages WHERE status = 'duplicate'"
        ).fetchall()
    shares: dict[str, list[float]] = defaultdict(list)
    for source, share in rows:
        shares[by_source[source].kind].append(share)
    return shares


def print_scores(scores: dict[str, Any]) -> None:
    for name, value in scores.items():
        if name == "per kind":
            for kind, (precision, recall, pairs) in value.items():
                print(f"  {kind:30}precision {precision:.4f}  recall {recall:.4f}  ({pairs} pairs)")
        elif isinstance(value, float):
            print(f"{name:32}{value:10.4f}")
        else:
            print(f"{name:32}{value:10d}")


def stage_times(pages: list[Page], root: Path) -> dict[str, float]:
    """Wall seconds of the extraction stage and of the dedup stage over `pages`, warm.

    Extraction runs on all cores and sketches each article's paragraphs in the same workers
    (tasks/extract.py process_page). The sketching belongs to dedup, so it is timed again here
    on one core, its share of the wall time (one core's time over the worker count) is moved
    from extraction to dedup, and the publish-time decisions (tasks/publish.py decide) are added.
    Both stages run once on a few pages first, so start-up costs count in neither.
    """
    config = DedupConfig()
    tables = {}
    for name, batch in (("warm-up", pages[:16]), ("all", pages)):
        path = root / f"{name}.jsonl"
        write_jsonl(batch, path)
        files, _ = discover_inputs([str(path)])
        shard = Shard(name, tuple(files))
        start = time.perf_counter()
        rows = build_shard_rows(shard, ExtractConfig(), 0, name, lambda ids: set())
        extraction = time.perf_counter() - start
        tables[name] = rows.tables()
    pool.shutdown()
    by_page: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    for row in rows.paragraphs:
        if row["article_id"] is not None:
            by_page[row["page_id"]].append((row["text"], row["status"] == "kept"))
    start = time.perf_counter()
    for items in by_page.values():
        sketch_paragraphs(
            [normalise_text(t) for t, _ in items],
            [k for _, k in items],
            config.paragraph_min_words,
            article_scheme(config),
            paragraph_scheme(config),
        )
    sketching = (time.perf_counter() - start) / worker_count(0)
    for name in ("warm-up", "all"):
        start = time.perf_counter()
        layout = Layout(root / f"empty-{name}")
        index = ArchiveIndex(layout, schemes_of(config))
        decide(Archive(layout, [], index), tables[name], config)
        deciding = time.perf_counter() - start
    return {
        "extraction": extraction - sketching,
        "sketching": sketching,
        "deciding": deciding,
        "articles": len(rows.articles),
    }


def index_size(warehouse: Path) -> dict[str, float]:
    """Bytes per archived article of the signature index: on disk, and decoded in memory for
    the body signature and for the tracked paragraphs."""
    files = list((warehouse / "tables" / "signatures").rglob("*.parquet"))
    on_disk = sum(f.stat().st_size for f in files)
    query = (
        "SELECT count(DISTINCT article_id),"
        " sum(octet_length(minhash) + 8 * len(bands)) FILTER (WHERE position IS NULL),"
        " sum(octet_length(minhash) + 8 * len(bands)) FILTER (WHERE position IS NOT NULL),"
        " count(*) FILTER (WHERE position IS NOT NULL) FROM signatures"
    )
    with duckdb.connect(str(Layout(warehouse).database), read_only=True) as db:
        articles, whole, paragraphs, tracked = db.execute(query).fetchone()  # type: ignore[misc]
    return {
        "articles": articles,
        "disk": on_disk / articles,
        "body": whole / articles,
        "paragraphs": paragraphs / articles,
        "tracked": tracked / articles,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument(
        "--sweep",
        type=float,
        nargs="*",
        default=[],
        help="also archive the set with each of these [dedup] containment_threshold values",
    )
    args = parser.parse_args()
    bodies, real_pages = load_corpus(args.corpus)
    pages = build(bodies)
    kinds: dict[str, int] = defaultdict(int)
    for page in pages:
        kinds[page.kind] += 1
    print(f"labelled set: {len(pages)} pages ({', '.join(f'{k} {v}' for k, v in kinds.items())})")
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        for number, threshold in enumerate(args.sweep):
            (root / f"sweep-{number}").mkdir()
            config = DedupConfig(containment_threshold=threshold)
            swept, sources = archive_nights(pages, root / f"sweep-{number}", dedup=config)
            print(f"containment_threshold {threshold}:")
            print_scores(quality(swept, sources))
        warehouse, by_source = archive_nights(pages, root)
        scores = quality(warehouse, by_source)
        shares = copy_shares(warehouse, by_source)
        index = index_size(warehouse)
        times = stage_times(real_pages, root)
    print(f"defaults (containment_threshold {DedupConfig().containment_threshold}):")
    print_scores(scores)
    for kind, values in sorted(shares.items()):
        values = sorted(v for v in values if v is not None)
        if values:
            print(
                f"  containment of {kind} copies found: min {values[0]:.2f},"
                f" median {values[len(values) // 2]:.2f} ({len(values)})"
            )
    dedup = times["sketching"] + times["deciding"]
    print(
        f"{'dedup / extraction time':32}{dedup / times['extraction']:10.4f}"
        f"  (dedup {dedup:.2f} s = sketching {times['sketching']:.2f} s in the workers"
        f" + deciding {times['deciding']:.2f} s; extraction {times['extraction']:.2f} s;"
        f" on the {len(real_pages)} benchmark pages)"
    )
    print(
        f"{'index bytes per article':32}{index['disk']:10.0f}  on disk; decoded:"
        f" {index['body']:.0f} for the body signature and its band keys,"
        f" {index['paragraphs']:.0f} for {index['tracked']:.1f} tracked paragraphs"
        f" ({index['articles']:.0f} articles)"
    )


if __name__ == "__main__":
    main()
