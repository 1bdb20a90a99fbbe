"""The dedup decisions on real article bodies (the benchmark's ground truth in fixtures)."""

import random
from datetime import UTC, datetime, timedelta

import numpy as np
import pyarrow as pa
import pytest

from bench.labelled import _edit
from schemas import ARTICLES, STAGED_PARAGRAPHS
from tasks import dedup, io, site_counts
from tasks.config import DedupConfig
from tasks.ids import paragraph_key, stable_id
from tasks.minhash import article_scheme, paragraph_scheme, sign

CONFIG = DedupConfig()
SCHEME = article_scheme(CONFIG)
DAY = datetime(2024, 3, 1, tzinfo=UTC)


def signed(items: list[tuple[str, list[str], datetime]], scheme=SCHEME) -> pa.Table:
    rows = [
        {"article_id": a, "position": None, "first_seen_at": t, "text_hash": "\n".join(p)}
        for a, p, t in items
    ]
    keys = pa.Table.from_pylist(rows, schema=dedup.SIGNATURE_KEYS)
    return dedup.signature_rows(keys, sign(["\n".join(p) for _, p, _ in items], scheme), scheme)


def copies_of(new, archived=(), published=None) -> dict[str, dedup.Copy]:
    empty = signed([])
    return dedup.find_copies(
        signed(new), published or {}, signed(list(archived)) if archived else empty, SCHEME
    )


def test_the_archived_article_survives_however_late_it_was_captured(stories):
    story = stories[0]
    archived = [("a-archived", story, DAY + timedelta(days=3))]
    new = [("b-new", story, DAY), ("c-new", _edit(story, random.Random(1)), DAY)]
    found = copies_of(new, archived)
    assert {k: v.survivor for k, v in found.items()} == {
        "b-new": "a-archived",
        "c-new": "a-archived",
    }
    assert found["b-new"].reason == dedup.EXACT and found["b-new"].similarity == 1.0
    assert found["c-new"].reason == dedup.NEAR and 0.8 <= found["c-new"].similarity < 1.0


def test_within_a_run_the_earliest_capture_survives_whatever_the_file_order(stories):
    story = stories[1]
    new = [("x", story, DAY + timedelta(hours=2)), ("y", story, DAY), ("z", story, DAY)]
    published = {"y": DAY, "z": DAY - timedelta(days=1)}
    for order in (new, new[::-1], [new[1], new[0], new[2]]):
        found = copies_of(order, published=published)
        # y and z were captured together; z was published first.
        assert {k: v.survivor for k, v in found.items()} == {"x": "z", "y": "z"}


def test_follow_ups_and_different_stories_are_not_copies(stories):
    original = stories[2]
    follow_up = original[:2] + stories[3][len(stories[3]) // 2 :]
    new = [("original", original, DAY), ("follow-up", follow_up, DAY + timedelta(hours=1))]
    new += [(f"other-{i}", s, DAY) for i, s in enumerate(stories[3:])]
    assert copies_of(new) == {}


def paragraph_rows(article: str, site: str, texts: list[str], statuses=None) -> list[dict]:
    statuses = statuses or ["kept"] * len(texts)
    return [
        {
            "page_id": article,
            "article_id": article,
            "site": site,
            "position": i,
            "text": t,
            "text_key": paragraph_key(t),
            "status": s,
            "reason": None if s == "kept" else "page_furniture",
        }
        for i, (t, s) in enumerate(zip(texts, statuses, strict=True))
    ]


def test_site_furniture_needs_enough_pages_and_a_share_of_the_site(stories):
    furniture = "Sign up for our newsletter: the day's top stories every morning."
    quote = stories[0][1]
    rows = []
    for i, story in enumerate(stories[:4]):
        # a code sample's brace and a "* * *" break are on every story, and nobody's furniture
        lines = [story[0], "}", furniture, "* * *", story[2]]
        rows += paragraph_rows(stable_id(f"a{i}"), "news.example", lines)
    rows += paragraph_rows(stable_id("q1"), "news.example", [quote])
    rows += paragraph_rows(stable_id("q2"), "news.example", [quote, stories[1][3]])
    counts = site_counts.SiteCounts()
    counts.add(pa.Table.from_pylist(rows, schema=STAGED_PARAGRAPHS))
    found = counts.boilerplate(CONFIG)
    assert found == {("news.example", paragraph_key(furniture))}
    strict = DedupConfig(boilerplate_min_share=0.9)
    assert counts.boilerplate(strict) == set()  # on 4 of 6 articles only


def test_pending_lines_count_until_forgotten_and_sites_are_counted_apart(stories):
    # A night's groups share one count: a group's own lines are pending until it is
    # published, and each group asks only about its own sites.
    furniture = "Sign up for our newsletter: the day's top stories every morning."
    archived, pending = [], []
    for i, story in enumerate(stories[:4]):
        rows = paragraph_rows(stable_id(f"a{i}"), "news.example", [story[0], furniture])
        (archived if i < 2 else pending).extend(rows)
    archived += paragraph_rows(stable_id("b"), "other.example", [furniture, stories[5][0]])
    counts = site_counts.SiteCounts()
    counts.add(pa.Table.from_pylist(archived, schema=STAGED_PARAGRAPHS))
    assert counts.boilerplate(CONFIG) == set()  # on 2 stories: not enough
    with counts.pending():
        counts.add(pa.Table.from_pylist(pending, schema=STAGED_PARAGRAPHS))
        found = {("news.example", paragraph_key(furniture))}
        assert counts.boilerplate(CONFIG, {"news.example"}) == found
        assert counts.boilerplate(CONFIG, {"other.example", "unseen.example"}) == set()
    assert counts.boilerplate(CONFIG) == set()


def _counted(counts: site_counts.SiteCounts) -> tuple:
    """What the counts hold: the repeated lines and the stories per site, by site name."""
    names = {code: name for name, code in counts._sites.items()}
    database = counts._db
    repeated = database.execute("SELECT site, line, stories FROM repeated").fetchall()
    stories = database.execute("SELECT site, stories FROM site_stories").fetchall()
    return (
        sorted((names[s], line, n) for s, line, n in repeated),
        sorted((names[s], n) for s, n in stories),
    )


def test_counts_kept_page_by_page_are_the_counts_of_the_whole(tmp_path):
    # Random pages of three sites (lines from a small pool, so many repeat; some pages copies
    # of another page's story), added in random groups and some taken out again, against the
    # same pages counted in one go.
    rng = random.Random(7)
    pool = [f"line {n} of the pool" for n in range(40)]
    pages = []
    for n in range(120):
        story = stable_id("story", str(rng.randrange(80)))
        site = rng.choice(["a.example", "b.example", "c.example"])
        texts = rng.sample(pool, rng.randint(1, 6))
        statuses = [
            rng.choice(["kept", "kept", "boilerplate", "duplicate", "repeated"]) for _ in texts
        ]
        rows = paragraph_rows(story, site, texts, statuses)
        for row in rows:
            row["page_id"] = stable_id("page", str(n))
        pages.append(rows)

    def table(chosen: list[list[dict]]) -> pa.Table:
        return pa.Table.from_pylist([r for p in chosen for r in p], schema=STAGED_PARAGRAPHS)

    with io.counts_database(tmp_path / "counts.sqlite", memory_mb=64) as database:
        kept = site_counts.SiteCounts(database)
        start = 0
        while start < len(pages):
            size = rng.randint(1, 15)
            kept.add(table(pages[start : start + size]))
            start += size
        kept.add(table(pages[:10]))  # added again (a group redone): counted once
        gone = rng.sample(range(len(pages)), 30)
        kept.remove_pages([stable_id("page", str(n)) for n in gone])
    whole = site_counts.SiteCounts()
    whole.rebuild([table([p for n, p in enumerate(pages) if n not in gone])])
    with io.counts_database(tmp_path / "counts.sqlite", memory_mb=64) as database:
        again = site_counts.SiteCounts(database)  # as the next night finds them
        assert _counted(again) == _counted(whole) and _counted(whole)[0]
        assert again.boilerplate(CONFIG) == whole.boilerplate(CONFIG) != set()


def test_furniture_counts_are_kept_within_their_memory_limit(tmp_path, stories):
    furniture = "Read more stories like this in our weekly newsletter."
    rows = []
    for i, story in enumerate(stories[:5]):
        rows += paragraph_rows(stable_id(f"a{i}"), "news.example", [story[0], furniture])
    path = tmp_path / "_counts" / "furniture.sqlite"
    with io.counts_database(path, memory_mb=64) as database:
        site_counts.SiteCounts(database).add(pa.Table.from_pylist(rows, schema=STAGED_PARAGRAPHS))
        (cache,) = database.execute("PRAGMA cache_size").fetchone()
        assert cache == -64 * 1024  # KiB
    with io.counts_database(path, memory_mb=64) as database:  # the next night
        found = site_counts.SiteCounts(database).boilerplate(CONFIG)
    assert found == {("news.example", paragraph_key(furniture))}
    assert [p.name for p in path.parent.iterdir()] == ["furniture.sqlite"]  # no journal left


def test_counts_of_another_version_are_dropped_to_be_counted_anew(tmp_path):
    path = tmp_path / "furniture.sqlite"
    with io.counts_database(path, memory_mb=64) as database:
        database.execute("CREATE TABLE lines (site INTEGER, line INTEGER)")  # not this version's
        counts = site_counts.SiteCounts(database)
        assert not counts.built and counts.boilerplate(CONFIG) == set()
        tables = {name for (name,) in database.execute("SELECT name FROM sqlite_master")}
        assert "lines" not in tables and "story_lines" in tables
    with io.counts_database(path, memory_mb=64) as database:
        counts = site_counts.SiteCounts(database)
        counts.rebuild([])
    with io.counts_database(path, memory_mb=64) as database:  # the same version: kept
        assert site_counts.SiteCounts(database).built


def test_a_rebuild_spills_within_its_memory_limit_and_counts_as_adding_does(tmp_path, stories):
    furniture = "Read more stories like this in our weekly newsletter."
    rows = []
    for i, story in enumerate(stories[:6]):
        rows += paragraph_rows(stable_id(f"a{i}"), "news.example", [*story[:3], furniture])
    table = pa.Table.from_pylist(rows, schema=STAGED_PARAGRAPHS)
    added = site_counts.SiteCounts()
    added.add(table)
    rebuilt = site_counts.SiteCounts()
    spill = tmp_path / "spill"
    rebuilt.rebuild([table.slice(0, 7), table.slice(7)], memory_mb=64, spill=spill)
    assert rebuilt.built and not added.built and not spill.exists()
    assert _counted(rebuilt) == _counted(added)
    assert rebuilt.boilerplate(CONFIG) == {("news.example", paragraph_key(furniture))}


def test_boilerplate_marks_follow_the_current_furniture():
    rows = paragraph_rows("a", "news.example", ["Comments (3)", "Body text here.", "Old line"])
    table = pa.Table.from_pylist(rows, schema=STAGED_PARAGRAPHS)
    furniture = {("news.example", paragraph_key("Comments (12)"))}
    marked = dedup.mark_boilerplate(table, furniture)
    assert marked["status"].to_pylist() == ["boilerplate", "kept", "kept"]
    assert marked["reason"].to_pylist()[0] == dedup.SITE_BOILERPLATE
    assert dedup.mark_boilerplate(marked, set())["status"].to_pylist() == ["kept"] * 3
    assert not dedup.needs_marking(marked, furniture)


def test_a_reused_paragraph_points_at_the_earliest_article_that_had_it(stories):
    pscheme = paragraph_scheme(CONFIG)
    shared = max((p for story in stories for p in story), key=lambda p: len(p.split()))
    words = shared.split()
    reworded = " ".join([*words[:10], "reportedly", *words[11:]])

    def rows(article, texts, when):
        items = [
            {"article_id": article, "position": i, "first_seen_at": when, "text_hash": str(i)}
            for i in range(len(texts))
        ]
        keys = pa.Table.from_pylist(items, schema=dedup.SIGNATURE_KEYS)
        return dedup.signature_rows(keys, sign(texts, pscheme), pscheme)

    archived = rows("old", [stories[4][0], shared], DAY)
    new = pa.concat_tables(
        [
            rows("later", [reworded, stories[1][0]], DAY + timedelta(days=2)),
            rows("sooner", [stories[2][0], shared], DAY + timedelta(days=1)),
        ]
    )
    found = dedup.first_sightings(new, archived, pscheme)
    assert found == {("later", 0): "old", ("sooner", 1): "old"}
    assert dedup.first_sightings(new, archived.slice(0, 0), pscheme) == {("later", 0): "sooner"}


def paragraph_signatures(article: str, texts: list[str], when: datetime) -> pa.Table:
    pscheme = paragraph_scheme(CONFIG)
    items = [
        {"article_id": article, "position": i, "first_seen_at": when, "text_hash": str(i)}
        for i in range(len(texts))
    ]
    keys = pa.Table.from_pylist(items, schema=dedup.SIGNATURE_KEYS)
    return dedup.signature_rows(keys, sign(texts, pscheme), pscheme)


def test_containment_measures_how_much_of_a_new_story_is_in_each_other(stories):
    story = stories[0]
    trimmed = [f"LONDON (Wire) — {story[0]}", *story[1 : len(story) // 2]]
    follow_up = [*story[:2], *stories[1][:4]]
    archived = paragraph_signatures("original", story, DAY)
    new = pa.concat_tables(
        [
            paragraph_signatures("trimmed", trimmed, DAY + timedelta(days=1)),
            paragraph_signatures("follow-up", follow_up, DAY + timedelta(days=1)),
        ]
    )
    sizes = np.array([len(t) for t in [*trimmed, *follow_up]])
    matches = dedup.paragraph_matches(new, archived, paragraph_scheme(CONFIG))
    shared = dedup.shared_text(matches, sizes)
    assert shared[("trimmed", "original")] == (int(sizes[: len(trimmed)].sum()), len(trimmed))
    assert shared[("follow-up", "original")] == (
        len(story[0]) + len(story[1]),
        2,
    )
    totals = {
        "trimmed": int(sizes[: len(trimmed)].sum()),
        "follow-up": int(sizes[len(trimmed) :].sum()),
    }
    found = dedup.contained_copies(shared, totals, ["trimmed", "follow-up"], CONFIG)
    assert found == {"trimmed": ("original", 1.0)}


def test_a_copy_is_of_an_earlier_survivor_and_never_of_another_copy():
    config = DedupConfig(containment_threshold=0.8, containment_min_paragraphs=2)
    shared = {
        ("b", "a"): (90, 3),  # b is mostly a
        ("c", "b"): (95, 4),  # c is mostly b, a copy: so c is a's or nobody's
        ("c", "a"): (85, 3),
        ("a", "d"): (99, 5),  # a ranks before d: d cannot be what a copies
        ("e", "a"): (100, 1),  # too few paragraphs
        ("f", "old"): (80, 2),  # an archived story ranks before every new one
        ("f", "a"): (90, 2),
    }
    sizes = dict.fromkeys("abcdef", 100)
    found = dedup.contained_copies(shared, sizes, list("abcdef"), config)
    assert found == {"b": ("a", 0.9), "c": ("a", 0.85), "f": ("a", 0.9)}
    found = dedup.contained_copies(
        shared, sizes, list("abcdef"), DedupConfig(containment_threshold=0.9)
    )
    assert found == {"b": ("a", 0.9), "f": ("a", 0.9)}


def test_rebuilt_bodies_leave_out_what_is_no_longer_kept(stories):
    rows = paragraph_rows("a", "news.example", stories[0][:3])
    rows[1]["status"] = "boilerplate"
    articles = pa.Table.from_pylist(
        [
            {
                "article_id": "a",
                "url": "u",
                "body": "\n".join(stories[0][:3]),
                "word_count": 1,
                "body_hash": "x",
                "first_seen_at": DAY,
                "run_id": "r",
            }
        ],
        schema=ARTICLES,
    )
    rebuilt, changed = dedup.rebuild_bodies(
        articles, pa.Table.from_pylist(rows, schema=STAGED_PARAGRAPHS)
    )
    assert changed == {"a"}
    assert rebuilt["body"][0].as_py() == stories[0][0] + "\n" + stories[0][2]
    assert rebuilt["word_count"][0].as_py() == len(rebuilt["body"][0].as_py().split())


def test_archived_signatures_made_with_another_threshold_are_rebanded(stories):
    old_scheme = article_scheme(DedupConfig(threshold=0.9))
    archived = signed([("old", stories[0], DAY)], old_scheme)
    query = signed([("new", stories[0], DAY)])
    assert old_scheme.name != SCHEME.name
    assert dedup.sharing_a_band(archived, query, SCHEME)["article_id"].to_pylist() == ["old"]
    other_words = article_scheme(DedupConfig(shingle_words=4))
    unusable = signed([("old", stories[0], DAY)], other_words)
    assert len(dedup.sharing_a_band(unusable, query, SCHEME)) == 0


def test_furniture_known_for_some_sites_leaves_the_marks_of_others():
    """An archived file holds many sites; a night that counted only some of them must not
    unmark the furniture of the rest."""
    line = "Share this article"
    rows = paragraph_rows("a", "one.example", [line, "Body of one."])
    rows += paragraph_rows("b", "two.example", [line, "Body of two."])
    marked = dedup.mark_boilerplate(
        pa.Table.from_pylist(rows, schema=STAGED_PARAGRAPHS),
        {("one.example", paragraph_key(line)), ("two.example", paragraph_key(line))},
    )
    assert marked["status"].to_pylist() == ["boilerplate", "kept"] * 2
    tonight = {("one.example", paragraph_key("Body of one."))}
    remarked = dedup.mark_boilerplate(marked, tonight, sites={"one.example"})
    assert remarked["status"].to_pylist() == ["kept", "boilerplate", "boilerplate", "kept"]
    assert dedup.needs_marking(marked, tonight, sites={"one.example"})
    assert not dedup.needs_marking(remarked, tonight, sites={"one.example"})


def test_line_keys_are_read_as_numbers_without_loss():
    keys = [paragraph_key(text) for text in ("Comments (3)", "Share", "Подписаться")]
    numbers = dedup.hex_prefix(pa.chunked_array([keys[:1], keys[1:]]))
    assert [f"{n:016x}" for n in numbers] == keys
    assert dedup.hex_prefix(pa.array([stable_id("x")])).dtype == "uint64"
    with pytest.raises(ValueError, match="hex"):
        dedup.hex_prefix(pa.array(["not a digest at all"]))


def test_a_story_and_its_copies_on_one_site_count_once_whatever_the_night(stories):
    line = "Subscribe for unlimited access to our journalism."
    counts = site_counts.SiteCounts()
    for night in range(4):  # the same story captured four nights running: its copies
        rows = paragraph_rows(stable_id("original"), "news.example", [stories[0][0], line])
        for row in rows:
            row["status"] = "kept" if night == 0 else dedup.COPY
        counts.add(pa.Table.from_pylist(rows, schema=STAGED_PARAGRAPHS))
    assert counts.boilerplate(CONFIG) == set()
    for i in range(2):
        rows = paragraph_rows(stable_id(f"other-{i}"), "news.example", [stories[i + 1][0], line])
        counts.add(pa.Table.from_pylist(rows, schema=STAGED_PARAGRAPHS))
    assert counts.boilerplate(CONFIG) == {("news.example", paragraph_key(line))}


def test_band_pairs_are_the_pairs_that_share_a_band(stories):
    rng = random.Random(3)
    items = [(f"a{i}", s if i % 2 else _edit(s, rng), DAY) for i, s in enumerate(stories[:8])]
    archived = signed(items)
    query = signed([("q1", stories[1], DAY), ("q2", _edit(stories[2], rng), DAY)])
    pairs = dedup.band_pairs(query, archived, SCHEME).tolist()
    assert [0, 1] in pairs and [1, 2] in pairs and len(pairs) == len({tuple(p) for p in pairs})


def test_the_counts_know_which_sites_marks_would_change(stories):
    furniture = "Sign up for our newsletter: the day's top stories every morning."
    rows = []
    for i, story in enumerate(stories[:4]):
        rows += paragraph_rows(stable_id(f"a{i}"), "news.example", [story[0], furniture])
    counts = site_counts.SiteCounts()
    counts.add(pa.Table.from_pylist(rows, schema=STAGED_PARAGRAPHS))
    line = {("news.example", paragraph_key(furniture))}
    unseen = {("news.example", paragraph_key("A line no archived page has."))}
    sites = {"news.example", "other.example"}
    assert counts.sites_to_mark(set(), sites) == set()  # nothing marked, nothing to mark
    assert counts.sites_to_mark(unseen, sites) == set()  # furniture the archive does not hold
    assert counts.sites_to_mark(line, sites) == {"news.example"}
    counts.set_marked(line | unseen, sites)
    assert counts.sites_to_mark(line | unseen, sites) == set()
    assert counts.sites_to_mark(line, sites) == {"news.example"}  # a line to unmark
    assert counts.sites_to_mark(line | unseen, {"other.example"}) == set()
