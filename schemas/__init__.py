"""Declared Arrow schemas: the one place a column is named.

One module per table. Writers take these schemas explicitly and never infer one.
"""

from schemas.articles import ARTICLES
from schemas.pages import PAGES
from schemas.paragraphs import PARAGRAPHS
from schemas.runs import RUNS

TABLES = {"pages": PAGES, "articles": ARTICLES, "paragraphs": PARAGRAPHS, "runs": RUNS}

__all__ = ["ARTICLES", "PAGES", "PARAGRAPHS", "RUNS", "TABLES"]
