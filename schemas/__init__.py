"""Declared Arrow schemas: the one place a column is named.

One module per table. Writers take these schemas explicitly and never infer one.
"""

from schemas.articles import ARTICLES
from schemas.fetches import FETCHES
from schemas.pages import PAGES
from schemas.paragraphs import PARAGRAPHS, STAGED_PARAGRAPHS
from schemas.runs import RUNS
from schemas.signatures import SIGNATURES

TABLES = {
    "pages": PAGES,
    "articles": ARTICLES,
    "paragraphs": PARAGRAPHS,
    "signatures": SIGNATURES,
    "fetches": FETCHES,
    "runs": RUNS,
}
# The column that ties a row of a date-partitioned table to the page it came from (an article's
# id is the id of its first page): how rows are split by day and by shard.
ROW_KEYS = {"pages": "page_id", "paragraphs": "page_id", "articles": "article_id"}
ROW_KEYS["signatures"] = "article_id"
STAGED = {"pages": PAGES, "articles": ARTICLES, "paragraphs": STAGED_PARAGRAPHS}

__all__ = [
    "ARTICLES",
    "FETCHES",
    "PAGES",
    "PARAGRAPHS",
    "ROW_KEYS",
    "RUNS",
    "SIGNATURES",
    "STAGED",
    "TABLES",
]
