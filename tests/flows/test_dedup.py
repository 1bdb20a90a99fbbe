"""Copies, site furniture and reused paragraphs across runs, through the command line."""

import json
import random
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from bench.dedup import archive_nights, quality
from bench.labelled import _desk_edit, _relede, _trim, build, render
from tasks import io
from tasks.config import DedupConfig
from tasks.layout import Layout
from tasks.lsh_index import ArchiveIndex, schemes_of
from tasks.site_counts import SiteCounts
from tests.conftest import FIXTURES, SEED
from tests.flows.test_archive import run, sql

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_server")]
DAY = datetime(2025, 2, 3, 8, tzinfo=UTC)


@pytest.fixture(scope="module")
def stories() -> list[list[str]]:
    """Real article bodies (the extraction benchmark's ground truth), as paragraphs."""
    truth = json.loads((FIXTURES / "html" / "ground-truth.json").read_text())
    bodies = [v["articleBody"] for _, v in sorted(truth.items())]
    stories = []
    for body in bodies:
        paragraphs = list(dict.fromkeys(p.strip() for p in body.split("\n") if p.strip()))
        if len(body.split()) > 150:
            stories.append(paragraphs)
    return stories


def dump(path: Path, records: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r, default=str) for r in records) + "\n")
    return path


def page(site: str, slug: str, paragraphs: list[str], when: datetime) -> dict:
    html, _ = render(site, paragraphs[0][:60], paragraphs, when)
    return {"url": f"https://{site}/{slug}", "html": html, "fetched_at": when.isoformat()}


def syndicated(story: list[str]) -> list[str]:
    """A wire copy: a dateline before the first paragraph and one word changed in the last."""
    last = story[-1].split()
    last[len(last) // 2] = "reportedly"
    return [f"LONDON (Wire) — {story[0]}", *story[1:-1], " ".join(last)]


def test_twenty_seed_shaped_captures_from_one_site_give_clean_articles(tmp_path, stories):
    seed = SEED.read_text().split("\n")
    header = seed[:4]  # 403 / Sorry!! / the error line, wrapped over two lines
    footer = seed[seed.index("Legal Disclaimer:") :]
    records = []
    for number, story in enumerate((stories * 2)[:20]):
        body = story[:8] if number < len(stories) else story[8:16] or story[:8]
        title = f"Story {number}: {' '.join(body[0].split()[:8])}"
        text = "\n".join([*header, title, *body, *body, *footer])
        url = f"https://menafn.example/updates/{number}"
        when = (DAY + timedelta(minutes=number)).isoformat()
        records.append({"url": url, "text": text, "fetched_at": when})
    run(str(dump(tmp_path / "captures.jsonl", records)), "-w", str(tmp_path / "w"))
    articles = sql(tmp_path / "w", "SELECT body FROM articles")
    assert len(articles) == 20
    furniture = ["403", "Sorry!!", "Error!", "Legal Disclaimer", "MENAFN provides", "No comment"]
    for article in articles:
        lines = article["body"].split("\n")
        assert len(lines) == len(set(lines))
        assert not any(bad in article["body"] for bad in furniture)
        assert "Comments" not in lines
    furniture_rows = sql(tmp_path / "w", "SELECT text, pages FROM boilerplate ORDER BY text")
    assert {"text": "No comment", "pages": 20} in furniture_rows


def test_a_later_run_marks_copies_of_archived_stories(tmp_path, stories):
    originals = [page("first.example", f"story-{i}", s, DAY) for i, s in enumerate(stories[:6])]
    run(str(dump(tmp_path / "night1.jsonl", originals)), "-w", str(tmp_path / "w"))
    first = {
        a["url"]: a["article_id"]
        for a in sql(tmp_path / "w", "SELECT url, article_id FROM articles")
    }

    # An archive from before the LSH index, with its furniture counts kept in DuckDB as they
    # were before SQLite: the next run indexes it and counts its lines anew before deciding.
    shutil.rmtree(tmp_path / "w" / "_index")
    layout = Layout(tmp_path / "w")
    layout.counts.unlink()
    legacy = layout.counts.with_name("furniture.duckdb")
    duckdb.connect(str(legacy)).execute("CREATE TABLE lines (site INTEGER)").close()

    later = DAY + timedelta(days=7)
    copies = [
        page("second.example", f"wire-{i}", syndicated(s), later) for i, s in enumerate(stories[:3])
    ]
    # The AMP twin of a page: the same body, so an exact copy.
    copies.append(page("first.example", "story-3/amp", stories[3], later))
    follow_up = stories[4][:2] + stories[5][len(stories[5]) // 2 :]
    copies.append(page("first.example", "follow-up", follow_up, later))
    run(str(dump(tmp_path / "night2.jsonl", copies)), "-w", str(tmp_path / "w"))

    duplicates = sql(
        tmp_path / "w",
        "SELECT url, survivor_id, reason, similarity FROM duplicates ORDER BY url",
    )
    assert len(duplicates) == 4
    for row in duplicates:
        original = row["url"].replace("second.example/wire-", "first.example/story-")
        if row["url"].endswith("/amp"):
            original = "https://first.example/story-3"
            assert row["reason"] == "exact_duplicate" and row["similarity"] == 1.0
        else:
            assert row["reason"] == "near_duplicate" and 0.8 <= row["similarity"] < 1.0
        assert row["survivor_id"] == first[original]
    (follow,) = sql(
        tmp_path / "w",
        "SELECT article_id FROM articles WHERE url = 'https://first.example/follow-up'",
    )
    reused = sql(
        tmp_path / "w",
        "SELECT position, first_seen_article_id FROM paragraphs WHERE status = 'kept' "
        f"AND article_id = '{follow['article_id']}' ORDER BY position",
    )
    marked = [r["first_seen_article_id"] for r in reused]
    assert marked[:2] == [first["https://first.example/story-4"]] * 2
    assert first["https://first.example/story-5"] in marked[2:]
    (last_run,) = sql(tmp_path / "w", "SELECT * FROM runs ORDER BY started_at DESC LIMIT 1")
    assert (last_run["exact_duplicates"], last_run["near_duplicates"]) == (1, 3)
    assert not legacy.exists()
    with io.counts_database(layout.counts, memory_mb=64) as database:
        assert SiteCounts(database).built
    # The index covers every signatures file, those compacted tonight included.
    covered = {
        f.path for s in ArchiveIndex(layout, schemes_of(DedupConfig())).segments() for f in s.files
    }
    files = {
        str(p.relative_to(layout.root)) for p in layout.table("signatures").rglob("c-*.parquet")
    }
    assert files and files <= covered


def test_a_later_night_finds_trimmed_re_leded_and_edited_copies_of_archived_stories(
    tmp_path, stories
):
    """Copies whole-body Jaccard misses (cut to half the story, a new first paragraph, a
    paragraph dropped) are found by containment; a follow-up that opens with an archived
    story's paragraphs is not a copy, and the night-1 articles keep their ids."""
    rng = random.Random(3)
    originals = [page("first.example", f"story-{i}", s, DAY) for i, s in enumerate(stories[:5])]
    run(str(dump(tmp_path / "night1.jsonl", originals)), "-w", str(tmp_path / "w"))
    query = "SELECT url, article_id, body FROM articles ORDER BY url"
    night1 = sql(tmp_path / "w", query)
    first = {a["url"]: a["article_id"] for a in night1}

    later = DAY + timedelta(days=2)
    copies = [
        page("desk.example", "trimmed", _trim(stories[0], rng), later),
        page("desk.example", "releded", _relede(stories[1], stories[6], rng), later),
        page("desk.example", "edited", _desk_edit(stories[2], rng), later),
        page("first.example", "follow-up", stories[3][:2] + stories[7][:3], later),
    ]
    run(str(dump(tmp_path / "night2.jsonl", copies)), "-w", str(tmp_path / "w"))

    duplicates = sql(
        tmp_path / "w",
        "SELECT url, survivor_id, reason, similarity, containment FROM duplicates ORDER BY url",
    )
    assert {d["url"].rsplit("/", 1)[1] for d in duplicates} == {"trimmed", "releded", "edited"}
    for row, story in zip(duplicates, (2, 1, 0), strict=True):  # edited, releded, trimmed
        assert row["survivor_id"] == first[f"https://first.example/story-{story}"], row
        assert row["reason"] in ("near_duplicate", "contained_copy"), row
        assert 0.7 <= row["containment"] <= 1.0, row
    trimmed = next(d for d in duplicates if d["url"].endswith("/trimmed"))
    assert trimmed["reason"] == "contained_copy" and trimmed["similarity"] < 0.8, trimmed
    # Night 1 is as it was: the same articles, ids and bodies, and the follow-up is an article
    # whose opening paragraphs point at the story they come from.
    assert [a for a in sql(tmp_path / "w", query) if a["url"] in first] == night1
    (follow,) = sql(
        tmp_path / "w",
        "SELECT article_id FROM articles WHERE url = 'https://first.example/follow-up'",
    )
    marked = sql(
        tmp_path / "w",
        "SELECT first_seen_article_id AS seen FROM paragraphs WHERE status = 'kept' "
        f"AND article_id = '{follow['article_id']}' ORDER BY position",
    )
    assert [m["seen"] for m in marked[:2]] == [first["https://first.example/story-3"]] * 2
    (last_run,) = sql(tmp_path / "w", "SELECT * FROM runs ORDER BY started_at DESC LIMIT 1")
    assert last_run["duplicates"] == 3 and last_run["contained_copies"] >= 1


def test_furniture_found_later_is_taken_out_of_older_articles(tmp_path, stories):
    line = "Become a member today and support independent local journalism in our valley."
    warehouse = tmp_path / "w"

    def night(name: str, numbers: range, when: datetime) -> int:
        """Archive the stories `numbers`, each with the line; return the articles recleaned."""
        records = [
            page("valley.example", f"n{n}", [*stories[n][:3], line, *stories[n][3:8]], when)
            for n in numbers
        ]
        run(str(dump(tmp_path / f"{name}.jsonl", records)), "-w", str(warehouse))
        (last_run,) = sql(
            warehouse, "SELECT articles_recleaned FROM runs ORDER BY started_at DESC LIMIT 1"
        )
        return last_run["articles_recleaned"]

    night("n1", range(2), DAY)
    assert len(sql(warehouse, f"SELECT 1 FROM articles WHERE body LIKE '%{line}%'")) == 2
    later = DAY + timedelta(days=1)
    assert night("n2", range(2, 4), later) == 2
    assert sql(warehouse, f"SELECT 1 FROM articles WHERE body LIKE '%{line}%'") == []
    (row,) = sql(warehouse, f"SELECT pages, share, reasons FROM boilerplate WHERE text = '{line}'")
    assert row == {"pages": 4, "share": 1.0, "reasons": ["site_boilerplate"]}
    # A warehouse from before the counts were kept: the next run counts its paragraphs, marks
    # included, so its new pages lose the line and no archived article needs cleaning again.
    shutil.rmtree(warehouse / "_counts")
    assert night("n3", range(4, 6), later) == 0
    assert sql(warehouse, f"SELECT 1 FROM articles WHERE body LIKE '%{line}%'") == []


def test_labelled_set_meets_the_quality_bar_in_any_order(tmp_path):
    """The bench's labelled set, built from the fixture bodies, archived over two nights."""
    truth = json.loads((FIXTURES / "html" / "ground-truth.json").read_text())
    pages = build({key: value["articleBody"] for key, value in truth.items()})
    (tmp_path / "a").mkdir()
    warehouse, by_source = archive_nights(pages, tmp_path / "a")
    scores = quality(warehouse, by_source)
    assert scores["precision"] >= 0.99 and scores["recall"] >= 0.97, scores
    assert scores["followups merged"] == 0
    for kind in ("exact", "near", "trimmed", "releded", "edited", "amp"):
        precision, recall, pairs = scores["per kind"][kind]
        assert pairs and precision >= 0.95 and recall >= 0.95, (kind, scores["per kind"])
    assert scores["furniture left"] <= 0.01 and scores["body kept"] >= 0.98, scores
    assert scores["bodies with a paragraph twice"] == 0

    (tmp_path / "b").mkdir()
    reversed_warehouse, _ = archive_nights(pages[::-1], tmp_path / "b")
    query = "SELECT url, status, reason, article_id FROM pages ORDER BY ALL"
    assert sql(reversed_warehouse, query) == sql(warehouse, query)


def test_a_night_decided_in_groups_meets_the_same_bar(tmp_path):
    """A large night is published in groups of shards (bounded memory); each group is decided
    against the groups before it, and the quality bar still holds."""
    truth = json.loads((FIXTURES / "html" / "ground-truth.json").read_text())
    pages = build({key: value["articleBody"] for key, value in truth.items()})
    warehouse, by_source = archive_nights(pages, tmp_path, 4, DedupConfig(batch_pages=20))
    scores = quality(warehouse, by_source)
    assert scores["precision"] >= 0.99 and scores["recall"] >= 0.97, scores
    assert scores["followups merged"] == 0
    assert scores["furniture left"] <= 0.01 and scores["body kept"] >= 0.98, scores
    assert scores["bodies with a paragraph twice"] == 0
    (run,) = sql(warehouse, "SELECT pages_read FROM runs ORDER BY started_at LIMIT 1")
    assert run["pages_read"] > 20  # so the first night was decided in several groups


def test_a_page_of_nothing_but_site_furniture_is_no_article(tmp_path, stories):
    furniture = [
        "Become a member today and support independent local journalism in our valley.",
        "Our newsroom is funded by readers like you; every contribution counts this month.",
    ]
    records = [
        page("valley.example", f"n{i}", [*stories[i][:4], *furniture], DAY) for i in range(4)
    ]
    records.append(page("valley.example", "members", furniture, DAY))
    run(str(dump(tmp_path / "n.jsonl", records)), "-w", str(tmp_path / "w"))
    (members,) = sql(
        tmp_path / "w", "SELECT status, reason, article_id FROM pages WHERE url LIKE '%members'"
    )
    assert members == {"status": "not_article", "reason": "only_boilerplate", "article_id": None}
    assert len(sql(tmp_path / "w", "SELECT 1 FROM articles")) == 4
