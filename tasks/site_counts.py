"""Site furniture counts: on how many stories of a site each paragraph line appears, kept from
night to night in a B-tree store, so that a night's changes cost what the night holds.

The counts were first kept in DuckDB tables, where every change was a hash join against every
counted line of the archive (10^8 of them at 10^7 articles): a night's adding and taking out
grew with the archive. Here each change is a B-tree lookup per line of the night (SQLite,
which Python ships), and only a rebuild from nothing reads the whole archive (sorted by DuckDB,
within a memory limit, then written in key order).
"""

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tasks import io
from tasks.clean import BOILERPLATE, KEPT
from tasks.config import DedupConfig
from tasks.dedup import COPY, SITE_BOILERPLATE, hex_prefix
from tasks.ids import NO_WORDS_KEY

_COUNTED = pa.array([KEPT, BOILERPLATE, COPY])
_UNSIGNED = (1 << 64) - 1

# The layout of the tables below; counts of another are dropped and counted anew.
_VERSION = 1
# Lines, stories and pages are 64-bit numbers (dedup.hex_prefix) held as SQLite's signed
# integers: the same bits, so their order is the signed one.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS sites (name TEXT PRIMARY KEY, code INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS page_lines (
    page INTEGER, site INTEGER, line INTEGER, story INTEGER,
    PRIMARY KEY (page, site, line, story)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS story_lines (
    site INTEGER, line INTEGER, story INTEGER, pages INTEGER NOT NULL,
    PRIMARY KEY (site, line, story)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS site_story (
    site INTEGER, story INTEGER, lines INTEGER NOT NULL,
    PRIMARY KEY (site, story)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS repeated (
    site INTEGER, line INTEGER, stories INTEGER NOT NULL,
    PRIMARY KEY (site, line)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS repeated_by_stories ON repeated (site, stories);
CREATE TABLE IF NOT EXISTS site_stories (site INTEGER PRIMARY KEY, stories INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS marked (site INTEGER, line INTEGER, PRIMARY KEY (site, line))
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS loose (site INTEGER, line INTEGER, PRIMARY KEY (site, line))
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS built (built_at TEXT);
"""

# The night's rows, as temporary tables (see SiteCounts._load).
_TEMPORARY = {
    "added": "site INTEGER, line INTEGER, story INTEGER, page INTEGER",
    "added_loose": "site INTEGER, line INTEGER",
    "gone_pages": "page INTEGER PRIMARY KEY",
    "asked": "site INTEGER PRIMARY KEY",
    "tonight": "site INTEGER, line INTEGER, PRIMARY KEY (site, line)",
}

# SiteCounts.add. Every lookup is an equality on a primary key's leading columns, probed once
# per row of the night's tables (CROSS JOIN keeps the night's table outermost).
_ADD_LINES = """
CREATE TEMP TABLE new_rows AS
    SELECT DISTINCT site, line, story, page FROM added a
    WHERE NOT EXISTS (SELECT 1 FROM page_lines p WHERE p.page = a.page AND p.site = a.site
                      AND p.line = a.line AND p.story = a.story);
INSERT INTO page_lines (page, site, line, story)
    SELECT page, site, line, story FROM new_rows ORDER BY page, site, line, story;
CREATE TEMP TABLE touched AS
    SELECT site, line, story, count(*) AS pages FROM new_rows GROUP BY site, line, story;
-- The lines a story gets for the first time: what changes the counts.
CREATE TEMP TABLE fresh AS
    SELECT site, line, story FROM touched t
    WHERE NOT EXISTS (SELECT 1 FROM story_lines s WHERE s.site = t.site AND s.line = t.line
                      AND s.story = t.story);
-- A line on fewer than two stories is not in `repeated`: on one if story_lines has it.
CREATE TEMP TABLE changed AS
    SELECT c.site, c.line, c.stories + coalesce(
        (SELECT r.stories FROM repeated r WHERE r.site = c.site AND r.line = c.line),
        (SELECT 1 FROM story_lines s WHERE s.site = c.site AND s.line = c.line LIMIT 1),
        0) AS stories
    FROM (SELECT site, line, count(*) AS stories FROM fresh GROUP BY site, line) AS c;
INSERT OR REPLACE INTO repeated (site, line, stories)
    SELECT site, line, stories FROM changed WHERE stories >= 2;
INSERT INTO story_lines (site, line, story, pages)
    SELECT site, line, story, pages FROM touched WHERE true ORDER BY site, line, story
    ON CONFLICT (site, line, story) DO UPDATE SET pages = pages + excluded.pages;
CREATE TEMP TABLE story_gain AS
    SELECT site, story, count(*) AS lines FROM fresh GROUP BY site, story;
INSERT INTO site_stories (site, stories)
    SELECT site, count(*) FROM story_gain g
    WHERE NOT EXISTS (SELECT 1 FROM site_story s WHERE s.site = g.site AND s.story = g.story)
    GROUP BY site
    ON CONFLICT (site) DO UPDATE SET stories = stories + excluded.stories;
INSERT INTO site_story (site, story, lines)
    SELECT site, story, lines FROM story_gain WHERE true ORDER BY site, story
    ON CONFLICT (site, story) DO UPDATE SET lines = lines + excluded.lines;
INSERT OR IGNORE INTO loose (site, line) SELECT site, line FROM added_loose ORDER BY site, line;
DROP TABLE new_rows;
DROP TABLE touched;
DROP TABLE fresh;
DROP TABLE changed;
DROP TABLE story_gain
"""

# SiteCounts.remove_pages: take the lines of `gone_pages` out, and what only they gave.
_REMOVE_PAGES = """
CREATE TEMP TABLE gone AS
    SELECT p.site, p.line, p.story, count(*) AS pages
    FROM gone_pages g CROSS JOIN page_lines p ON p.page = g.page
    GROUP BY p.site, p.line, p.story;
DELETE FROM page_lines WHERE page IN (SELECT page FROM gone_pages);
CREATE TEMP TABLE remaining AS
    SELECT g.site, g.line, g.story, s.pages - g.pages AS pages
    FROM gone g CROSS JOIN story_lines s
        ON s.site = g.site AND s.line = g.line AND s.story = g.story;
INSERT OR REPLACE INTO story_lines (site, line, story, pages)
    SELECT site, line, story, pages FROM remaining WHERE pages > 0;
CREATE TEMP TABLE lost AS SELECT site, line, story FROM remaining WHERE pages <= 0;
DELETE FROM story_lines WHERE (site, line, story) IN (SELECT site, line, story FROM lost);
CREATE TEMP TABLE recount AS
    SELECT r.site, r.line, r.stories - l.stories AS stories
    FROM (SELECT site, line, count(*) AS stories FROM lost GROUP BY site, line) AS l
    CROSS JOIN repeated r ON r.site = l.site AND r.line = l.line;
DELETE FROM repeated WHERE (site, line) IN (SELECT site, line FROM recount WHERE stories < 2);
INSERT OR REPLACE INTO repeated (site, line, stories)
    SELECT site, line, stories FROM recount WHERE stories >= 2;
CREATE TEMP TABLE story_left AS
    SELECT l.site, l.story, s.lines - l.lines AS lines
    FROM (SELECT site, story, count(*) AS lines FROM lost GROUP BY site, story) AS l
    CROSS JOIN site_story s ON s.site = l.site AND s.story = l.story;
INSERT OR REPLACE INTO site_story (site, story, lines)
    SELECT site, story, lines FROM story_left WHERE lines > 0;
DELETE FROM site_story WHERE (site, story) IN (SELECT site, story FROM story_left WHERE lines <= 0);
INSERT INTO site_stories (site, stories)
    SELECT site, -count(*) FROM story_left WHERE lines <= 0 GROUP BY site
    ON CONFLICT (site) DO UPDATE SET stories = stories + excluded.stories;
DELETE FROM site_stories WHERE stories <= 0;
DROP TABLE gone;
DROP TABLE remaining;
DROP TABLE lost;
DROP TABLE recount;
DROP TABLE story_left
"""

# SiteCounts.rebuild: what each table holds, from the archive's lines (in DuckDB, which sorts
# and groups them within its memory limit), in the order of the table's key.
_REBUILT = {
    "page_lines": "SELECT DISTINCT page, site, line, story FROM lines ORDER BY ALL",
    "story_lines": "SELECT site, line, story, count(DISTINCT page) FROM lines"
    " GROUP BY ALL ORDER BY site, line, story",
    "site_story": "SELECT site, story, count(DISTINCT line) FROM lines GROUP BY ALL"
    " ORDER BY site, story",
    "repeated": "SELECT site, line, count(DISTINCT story) AS n FROM lines GROUP BY ALL"
    " HAVING n >= 2 ORDER BY site, line",
    "site_stories": "SELECT site, count(DISTINCT story) FROM lines GROUP BY ALL ORDER BY site",
    "marked": "SELECT DISTINCT site, line FROM marked ORDER BY ALL",
    "loose": "SELECT DISTINCT site, line FROM loose ORDER BY ALL",
}
_REBUILD_BATCH = 1 << 20


def _worded(rows: pa.Table) -> pa.ChunkedArray:
    """Which rows are lines with a word: a brace or a "* * *" break is nobody's furniture."""
    return pc.not_equal(rows["text_key"], NO_WORDS_KEY)


def _signed(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """dedup.hex_prefix's 64-bit numbers with the same bits as signed ones (SQLite's)."""
    return hex_prefix(column).view(np.int64)


class SiteCounts:
    """On how many distinct stories of a site each paragraph line appears, kept up to date as
    lines are added and taken out, so that finding a site's furniture reads its counts, not
    its paragraphs.

    A story is an article with its copies: copy pages' paragraphs carry the survivor's
    article_id, so five captures of one story on a site count once, whichever night they came.
    The counts live in a SQLite database (`connection`: the warehouse's `_counts/` file when
    publishing, kept from night to night, io.counts_database; in memory otherwise):

    - `page_lines`: each counted line of each page (site code; the line's text key, the story's
      article id and the page id as 64-bit numbers), keyed by page: what taking pages out
      reads;
    - `story_lines`: each line of each story, and on how many of the story's pages it is;
    - `site_story`: each story of each site, and how many lines it has there;
    - `repeated`: per site, the lines on two stories or more, and on how many (only those can
      be furniture: boilerplate_min_pages is at least 2), also indexed by that number;
    - `site_stories`: per site, how many stories it has;
    - `marked`, `loose`: see sites_to_mark; `sites`: the site codes; `built`: see rebuild.

    Adding a page's lines changes the counts only for lines and stories that no other page
    already gave (set semantics, so a page added twice counts once), and taking a page out only
    for those no remaining page gives. `pending()` lets a group's lines count until it is
    decided (a transaction rolled back).
    """

    def __init__(self, connection: sqlite3.Connection | None = None) -> None:
        """`connection` must be in autocommit mode (isolation_level None), as
        io.counts_database opens it: transactions are this class's own."""
        self._db = connection if connection is not None else io.memory_counts_database()
        self._open = False  # inside pending(): its transaction holds the changes
        self._upgrade()
        self._sites: dict[str, int] = dict(
            self._db.execute("SELECT name, code FROM sites ORDER BY code").fetchall()
        )

    def _upgrade(self) -> None:
        """Give the database this version's tables: counts of another version (or a database
        that is not this class's) are dropped, to be counted anew (see rebuild)."""
        (version,) = self._db.execute("PRAGMA user_version").fetchone()
        if version != _VERSION:
            with self._transaction():
                tables = self._db.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                ).fetchall()
                for (table,) in tables:
                    self._db.execute(f'DROP TABLE "{table}"')
                self._db.execute(f"PRAGMA user_version = {_VERSION}")
        self._db.executescript(_SCHEMA)

    @property
    def built(self) -> bool:
        """Whether the counts hold the archive (see rebuild)."""
        return bool(self._db.execute("SELECT count(*) FROM built").fetchone()[0])

    def _site_codes(self, sites: pa.Array | pa.ChunkedArray) -> np.ndarray:
        fresh = [s for s in pc.unique(sites).to_pylist() if s not in self._sites]
        for site in fresh:
            self._sites[site] = len(self._sites)
        if fresh:
            self._db.executemany(
                "INSERT INTO sites VALUES (?, ?)", [(s, self._sites[s]) for s in fresh]
            )
        codes = pc.index_in(sites, value_set=pa.array(list(self._sites), pa.string()))
        return codes.to_numpy(zero_copy_only=False).astype(np.int64)

    def _lines(self, paragraphs: pa.Table) -> dict[str, np.ndarray]:
        """The counted lines of `paragraphs`: kept, boilerplate and copied paragraphs of
        article pages, as numbers."""
        rows = paragraphs.select(["site", "text_key", "article_id", "status", "page_id"])
        counted = rows.filter(
            pc.and_(
                pc.and_(pc.is_valid(rows["article_id"]), pc.is_valid(rows["site"])),
                pc.and_(pc.is_in(rows["status"], _COUNTED), _worded(rows)),
            )
        )
        return {
            "site": self._site_codes(counted["site"]),
            "line": _signed(counted["text_key"]),
            "story": _signed(counted["article_id"]),
            "page": _signed(counted["page_id"]),
        }

    def _loose(self, paragraphs: pa.Table) -> dict[str, np.ndarray]:
        """(site, line) of the kept and boilerplate paragraphs that belong to no article (a
        page emptied by furniture): never counted, but marked and unmarked like the rest."""
        rows = paragraphs.select(["site", "text_key", "article_id", "status"])
        loose = rows.filter(
            pc.and_(
                pc.and_(pc.is_null(rows["article_id"]), pc.is_valid(rows["site"])),
                pc.and_(pc.is_in(rows["status"], pa.array([KEPT, BOILERPLATE])), _worded(rows)),
            )
        )
        return {"site": self._site_codes(loose["site"]), "line": _signed(loose["text_key"])}

    def _marks(self, paragraphs: pa.Table) -> dict[str, np.ndarray]:
        """(site, line) of the paragraphs marked as site furniture."""
        reason = paragraphs["reason"]
        marked = paragraphs.filter(pc.fill_null(pc.equal(reason, SITE_BOILERPLATE), False))
        return {"site": self._site_codes(marked["site"]), "line": _signed(marked["text_key"])}

    def add(self, paragraphs: pa.Table) -> None:
        """Count the lines of `paragraphs` (rows with site, text_key, article_id, status and
        page_id): kept, boilerplate and copied paragraphs of article pages."""
        tables = {"added": self._lines(paragraphs), "added_loose": self._loose(paragraphs)}
        self._change(tables, _ADD_LINES)

    def remove_pages(self, page_ids: list[str]) -> None:
        """Take the lines of the pages `page_ids` out (they are to be published again)."""
        if page_ids:
            pages = np.unique(_signed(pa.array(page_ids, pa.string())))
            self._change({"gone_pages": {"page": pages}}, _REMOVE_PAGES)

    def _load(self, name: str, columns: dict[str, np.ndarray]) -> None:
        """Fill the temporary table `name` (of _TEMPORARY) with `columns`."""
        self._db.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name} ({_TEMPORARY[name]})")
        self._db.execute(f"DELETE FROM temp.{name}")
        self._insert(f"temp.{name}", [c.tolist() for c in columns.values()], "OR IGNORE")

    def _insert(self, table: str, columns: list[list], conflict: str = "") -> None:
        """Insert rows given as `columns` (lists of values, one per column) into `table`;
        `conflict` is SQLite's conflict clause ("OR IGNORE": rows already there are skipped)."""
        places = ", ".join("?" * len(columns))
        rows = zip(*columns, strict=True)
        self._db.executemany(f"INSERT {conflict} INTO {table} VALUES ({places})", rows)

    def _run(self, statements: str) -> None:
        # One by one: executescript would commit the transaction they are part of.
        for statement in statements.split(";"):
            self._db.execute(statement)

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """pending()'s transaction, or one of the block's own: a crash leaves all or none."""
        if self._open:
            yield
            return
        self._db.execute("BEGIN")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _change(self, tables: dict[str, dict[str, np.ndarray]], statements: str) -> None:
        """Load `tables` and run `statements` (which read them by name), in one transaction."""
        with self._transaction():
            self._load_all(tables)
            self._run(statements)

    def _load_all(self, tables: dict[str, dict[str, np.ndarray]]) -> None:
        for name, columns in tables.items():
            self._load(name, columns)

    def rebuild(
        self, parts: Iterable[pa.Table], memory_mb: int = 512, spill: Path | None = None
    ) -> None:
        """Count every line of `parts` (the archive's paragraphs, in any number of tables)
        from nothing, in one pass: how an archive gets its counts the first time. The lines
        are sorted by DuckDB within `memory_mb`, spilling to `spill` (a folder, removed after),
        then written into each table in its key's order, in one transaction."""
        with io.sorting_database(memory_mb, spill) as sorter:
            sorter.execute(
                """
                CREATE TABLE lines (site INTEGER, line BIGINT, story BIGINT, page BIGINT);
                CREATE TABLE loose (site INTEGER, line BIGINT);
                CREATE TABLE marked (site INTEGER, line BIGINT);
                """
            )
            for part in parts:
                found = {
                    "lines": self._lines(part),
                    "loose": self._loose(part),
                    "marked": self._marks(part),
                }
                for name, columns in found.items():
                    sorter.register("part", pa.table(columns))
                    sorter.execute(f"INSERT INTO {name} SELECT * FROM part")
                    sorter.unregister("part")
            with self._transaction():
                for table in ("built", *_REBUILT):
                    self._db.execute(f"DELETE FROM {table}")
                for table, query in _REBUILT.items():
                    self._copy(sorter.execute(query), table)
                self._db.execute("INSERT INTO built VALUES (datetime('now'))")

    def _copy(self, result: duckdb.DuckDBPyConnection, table: str) -> None:
        """Insert the rows of a DuckDB query's `result` into `table`, a batch at a time."""
        for batch in result.to_arrow_reader(_REBUILD_BATCH):
            self._insert(table, [c.to_pylist() for c in batch.columns])

    @contextmanager
    def pending(self) -> Iterator[None]:
        """Lines added inside count until the block ends, then are taken back out."""
        self._db.execute("BEGIN")
        sites = dict(self._sites)
        self._open = True
        try:
            yield
        finally:
            self._db.execute("ROLLBACK")
            self._sites = sites
            self._open = False

    def _names(self) -> dict[int, str]:
        return {code: name for name, code in self._sites.items()}

    def boilerplate(
        self, config: DedupConfig, sites: set[str] | None = None
    ) -> set[tuple[str, str]]:
        """(site, text_key) pairs on enough of the site's stories to be its furniture, for
        `sites` (None: every site counted). Reads, per site, only the lines over its bar
        (repeated_by_stories)."""
        codes = (
            list(self._sites.values())
            if sites is None
            else [self._sites[site] for site in sites if site in self._sites]
        )
        if not codes:
            return set()
        with self._transaction():
            self._load("asked", {"site": np.array(sorted(codes), dtype=np.int64)})
            found = self._db.execute(
                """
                SELECT r.site, r.line
                FROM asked a CROSS JOIN site_stories s ON s.site = a.site
                CROSS JOIN repeated r INDEXED BY repeated_by_stories
                    ON r.site = a.site AND r.stories >= max(?, s.stories * ?)
                """,
                (config.boilerplate_min_pages, config.boilerplate_min_share),
            ).fetchall()
        names = self._names()
        return {(names[site], f"{line & _UNSIGNED:016x}") for site, line in found}

    def _furniture(self, furniture: set[tuple[str, str]], sites: set[str]) -> dict:
        pairs = sorted(pair for pair in furniture if pair[0] in sites)
        return {
            "site": self._site_codes(pa.array([p[0] for p in pairs], pa.string())),
            "line": _signed(pa.array([p[1] for p in pairs], pa.string())),
        }

    def _asked(self, sites: set[str]) -> dict[str, np.ndarray]:
        return {"site": self._site_codes(pa.array(sorted(sites), pa.string()))}

    def sites_to_mark(self, furniture: set[tuple[str, str]], sites: set[str]) -> set[str]:
        """The `sites` whose archived paragraphs marking them with `furniture` may change: a
        line marked last time that is furniture no longer, or a line become furniture that the
        archive holds. The others need not be read."""
        tables = {"asked": self._asked(sites), "tonight": self._furniture(furniture, sites)}
        with self._transaction():
            self._load_all(tables)
            found = self._db.execute(
                """
                SELECT DISTINCT m.site FROM asked a CROSS JOIN marked m ON m.site = a.site
                WHERE NOT EXISTS (SELECT 1 FROM tonight t
                                  WHERE t.site = m.site AND t.line = m.line)
                UNION
                SELECT DISTINCT t.site FROM tonight t
                WHERE NOT EXISTS (SELECT 1 FROM marked m
                                  WHERE m.site = t.site AND m.line = t.line)
                  AND (EXISTS (SELECT 1 FROM story_lines s
                               WHERE s.site = t.site AND s.line = t.line)
                       OR EXISTS (SELECT 1 FROM loose l
                                  WHERE l.site = t.site AND l.line = t.line))
                """
            ).fetchall()
        names = self._names()
        return {names[site] for (site,) in found}

    def set_marked(self, furniture: set[tuple[str, str]], sites: set[str]) -> None:
        """Record that the archived paragraphs of `sites` are marked with `furniture`."""
        tables = {"asked": self._asked(sites), "tonight": self._furniture(furniture, sites)}
        statements = """
            DELETE FROM marked WHERE site IN (SELECT site FROM asked);
            INSERT INTO marked (site, line) SELECT site, line FROM tonight ORDER BY site, line
        """
        self._change(tables, statements)
