"""End-to-end runs of the archive flow through the command line, on a real embedded server."""

import gzip
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from tests.conftest import FIXTURES, SEED

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_server")]
runner = CliRunner()
TITLE = "Putin, Trump set to hold their second phone conversation in two months"


def run(*args: str) -> str:
    result = runner.invoke(app, ["run", *args])
    assert result.exit_code == 0, result.output
    return result.output


def sql(warehouse: Path, query: str) -> list[dict]:
    result = runner.invoke(app, ["sql", "-w", str(warehouse), "-f", "json", query])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_seed_becomes_one_clean_article(tmp_path):
    output = run(str(SEED), "-w", str(tmp_path))
    assert "articles kept" in output
    (article,) = sql(tmp_path, "SELECT title, body, article_id FROM articles")
    assert article["title"] == TITLE
    for bad in ("403", "Sorry!!", "Error!", "page you were looking for"):
        assert bad not in article["body"]
    lines = article["body"].split("\n")
    assert len(lines) == len(set(lines))
    removed = sql(
        tmp_path, "SELECT status, text FROM paragraphs WHERE status <> 'kept' ORDER BY position"
    )
    assert {"status": "error_text", "text": "403"} in removed
    assert sum(r["status"] == "repeated" for r in removed) == 12


def test_warc_inputs_decode_and_clipped_capture_does_not_stop_the_run(tmp_path, monkeypatch):
    # Common Crawl's excerpt holds portals and section fronts: kept as articles here, so that
    # every page's decoded text is in `paragraphs`.
    monkeypatch.setenv("BROADSHEET_EXTRACT__KEEP_NON_ARTICLES", "true")
    warc = FIXTURES / "warc"
    run(
        str(warc / "warcfile.warc.gz"),
        str(warc / "clueweb-quirk.warc.gz"),
        str(warc / "clipped.warc.gz"),
        "-w",
        str(tmp_path),
    )
    pages = sql(tmp_path, "SELECT source, url, status, reason FROM pages")
    assert sum("warcfile" in p["source"] for p in pages) == 16
    assert sum("clueweb" in p["source"] for p in pages) == 29
    (clipped,) = [p for p in pages if "clipped" in p["source"]]
    assert clipped["status"] == "failed" or clipped["reason"] == "truncated_capture"
    texts = sql(
        tmp_path,
        "SELECT p.url, string_agg(g.text, ' ') AS text"
        " FROM pages p JOIN paragraphs g USING (page_id) GROUP BY p.url",
    )
    by_host = {re.sub(r"^https?://([^/]+)/.*", r"\1", t["url"]): t["text"] for t in texts}
    assert re.search("[А-Яа-я]{5}", by_host["01spb.ru"])
    assert re.search("[\u4e00-\u9fff]{4}", by_host["0760.jxtdw.com"])
    japanese = [t["text"] for t in texts if "uraharajuku" in t["url"]]
    assert japanese and all(re.search("[\u3040-\u30ff\u4e00-\u9fff]{3}", t) for t in japanese)
    assert not any("\ufffd" in t["text"] for t in texts)


def test_second_run_changes_nothing_but_runs(tmp_path):
    sample = FIXTURES / "sample"
    run(str(sample), "-w", str(tmp_path))
    tables = {
        "pages": "SELECT * FROM pages ORDER BY page_id",
        "articles": "SELECT * FROM articles ORDER BY article_id",
        "paragraphs": "SELECT * FROM paragraphs ORDER BY page_id, position",
    }
    first = {name: sql(tmp_path, query) for name, query in tables.items()}
    output = run(str(sample), "-w", str(tmp_path))
    assert re.search(r"pages read\s+│ 0", output)
    second = {name: sql(tmp_path, query) for name, query in tables.items()}
    assert first == second
    assert first["articles"]
    assert len(sql(tmp_path, "SELECT * FROM runs")) == 2


def test_bad_inputs_are_recorded_and_the_run_goes_on(tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.html").write_bytes(b"")
    (bad / "binary.html").write_bytes(b"\x00\x01\x02PNG" + bytes(range(256)) * 40)
    (bad / "broken.html.gz").write_bytes(
        next((FIXTURES / "sample").glob("*.html.gz")).read_bytes()[:5000]
    )
    (bad / "huge.html").write_bytes(
        b"<html><body>" + b"<p>word</p>" * 2_000_000 + b"</body></html>"
    )
    (bad / "deep.html").write_bytes(b"<html><body>" + b"<div>" * 50_000 + b"x" + b"</div>" * 50_000)
    lines = [
        json.dumps(
            {
                "url": "https://a.example/ok",
                "text": "A headline here\n" + "Words in a sentence. " * 20,
            }
        ),
        "{broken",
    ]
    (bad / "dump.jsonl").write_text("\n".join(lines))
    run(str(bad), "-w", str(tmp_path / "w"))
    # Keyed by file name, with ":line" for JSONL lines.
    pages = {
        Path(p["source"]).name: p
        for p in sql(tmp_path / "w", "SELECT source, status, reason FROM pages")
    }
    assert pages["empty.html"]["reason"] == "empty"
    assert pages["binary.html"]["reason"] == "decode_error"
    assert pages["broken.html.gz"]["reason"] == "bad_gzip"
    assert pages["huge.html"]["reason"] == "too_large"
    assert pages["deep.html"]["status"] in ("failed", "not_article")
    assert pages["dump.jsonl:2"]["reason"] == "bad_json"
    assert pages["dump.jsonl:1"]["status"] == "article"


def test_exact_copies_become_duplicates_of_the_first_archived(tmp_path):
    html = gzip.decompress(next((FIXTURES / "html").glob("*.html.gz")).read_bytes()).decode()

    def dump(name: str, urls: list[str], day: str) -> Path:
        path = tmp_path / name
        path.write_text(
            "\n".join(json.dumps({"url": u, "html": html, "fetched_at": day}) for u in urls)
        )
        return path

    run(
        str(
            dump(
                "one.jsonl",
                ["https://b.example/copy", "https://a.example/copy"],
                "2025-01-02T00:00:00Z",
            )
        ),
        "-w",
        str(tmp_path / "w"),
    )
    run(
        str(dump("two.jsonl", ["https://c.example/copy"], "2025-01-01T00:00:00Z")),
        "-w",
        str(tmp_path / "w"),
    )
    pages = sql(
        tmp_path / "w", "SELECT url, status, reason, article_id, similarity FROM pages ORDER BY url"
    )
    (article,) = sql(tmp_path / "w", "SELECT article_id FROM articles")
    statuses = [(p["url"].split("/")[2], p["status"]) for p in pages]
    assert statuses.count(("a.example", "article")) + statuses.count(("b.example", "article")) == 1
    assert ("c.example", "duplicate") in statuses
    assert all(p["article_id"] == article["article_id"] for p in pages)
    assert {p["reason"] for p in pages if p["status"] == "duplicate"} == {"exact_duplicate"}


def test_user_errors_are_one_line(tmp_path):
    missing = runner.invoke(app, ["run", str(tmp_path / "nope")])
    assert missing.exit_code == 2 and "input not found" in missing.output
    config = tmp_path / "broadsheet.toml"
    config.write_text("[extract]\npage_timeout = 3\n")
    bad = runner.invoke(app, ["run", str(SEED), "-c", str(config)])
    assert bad.exit_code == 2 and "unknown setting 'extract.page_timeout'" in bad.output
    assert "Traceback" not in bad.output
    no_archive = runner.invoke(app, ["sql", "-w", str(tmp_path / "none"), "SELECT 1"])
    assert no_archive.exit_code == 2 and "no archive" in no_archive.output


def test_a_shard_redone_after_a_crash_is_not_a_copy_of_itself(tmp_path):
    warehouse = tmp_path / "w"
    run(str(SEED), "-w", str(warehouse))
    first = sql(warehouse, "SELECT * EXCLUDE (run_id) FROM pages")
    for manifest in (warehouse / "_manifests").glob("*.json"):
        manifest.unlink()  # as if the run died after writing its files, before its receipts
    run(str(SEED), "-w", str(warehouse))
    assert sql(warehouse, "SELECT * EXCLUDE (run_id) FROM pages") == first  # the redo's run
    assert len(sql(warehouse, "SELECT * FROM articles")) == 1


def test_a_failed_shard_names_itself_and_the_command_to_run_again(tmp_path):
    from tasks.io import discover_inputs
    from tasks.layout import Layout
    from tasks.shards import plan_shards

    files, _ = discover_inputs([str(SEED)])
    (shard,) = plan_shards(files, 500)
    blocker = Layout(tmp_path / "w").staging(shard.key)
    blocker.parent.mkdir(parents=True)
    blocker.write_text("a plain file where the shard's folder must go")
    result = runner.invoke(app, ["run", str(SEED), "-w", str(tmp_path / "w")])
    assert result.exit_code == 2
    assert SEED.name in result.output and "run the same command again" in result.output
    blocker.unlink()
    assert "articles kept" in run(str(SEED), "-w", str(tmp_path / "w"))


def test_the_same_records_in_two_files_are_archived_once(tmp_path):
    """Two shards that stage the same pages (a crawl saved twice) publish them once."""
    import shutil

    for name in ("first.warc.gz", "second.warc.gz"):
        shutil.copy(FIXTURES / "warc" / "warcfile.warc.gz", tmp_path / name)
    run(
        str(tmp_path / "first.warc.gz"), str(tmp_path / "second.warc.gz"), "-w", str(tmp_path / "w")
    )
    pages = sql(tmp_path / "w", "SELECT page_id FROM pages")
    assert len(pages) == len({p["page_id"] for p in pages}) == 16
    articles = sql(tmp_path / "w", "SELECT article_id FROM articles")
    assert len(articles) == len({a["article_id"] for a in articles})
    # The run's record counts the second file's pages as known, not as new articles.
    (counts,) = sql(
        tmp_path / "w", "SELECT pages_read, pages_known, articles_added, not_articles FROM runs"
    )
    assert counts["pages_read"] == 32 and counts["pages_known"] == 16
    assert counts["articles_added"] == len(articles)
    statuses = sql(tmp_path / "w", "SELECT count(*) AS n FROM pages WHERE status = 'not_article'")
    assert counts["not_articles"] == statuses[0]["n"]


def test_a_report_that_cannot_be_sent_costs_the_run_nothing(tmp_path, monkeypatch):
    import flows.archive

    def refuse(**kwargs):
        raise UnicodeEncodeError("utf-8", "\udcff", 0, 1, "surrogates not allowed")

    monkeypatch.setattr(flows.archive, "create_markdown_artifact", refuse)
    output = run(str(SEED), "-w", str(tmp_path))
    assert "articles kept" in output
    assert sql(tmp_path, "SELECT status FROM runs") == [{"status": "completed"}]
