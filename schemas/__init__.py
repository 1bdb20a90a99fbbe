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
STAGED = {"pages": PAGES, "articles": ARTICLES, "paragraphs": STAGED_PARAGRAPHS}

__all__ = ["ARTICLES", "FETCHES", "PAGES", "PARAGRAPHS", "RUNS", "SIGNATURES", "STAGED", "TABLES"]
