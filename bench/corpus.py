"""The extraction benchmark's pages and expected bodies, read with nothing but the standard
library, so that a baseline process can load them without the pipeline's imports."""

import gzip
import json
from pathlib import Path

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared/corpora/article-extraction-benchmark"


def load_corpus(corpus: Path) -> tuple[dict[str, bytes], dict[str, str]]:
    """The pages (id -> HTML bytes) and expected bodies (id -> text) of the benchmark; exits
    with one line when `corpus` is not such a folder."""
    if not (corpus / "ground-truth.json").is_file():
        raise SystemExit(
            f"no extraction benchmark at {corpus}: pass --corpus DIR, a folder holding"
            " ground-truth.json and html/ (../shared/corpora/article-extraction-benchmark)"
        )
    truth = json.loads((corpus / "ground-truth.json").read_text())
    pages = {
        key: gzip.decompress((corpus / "html" / f"{key}.html.gz").read_bytes()) for key in truth
    }
    return pages, {key: value["articleBody"] for key, value in truth.items()}
