"""The extraction benchmark's pages and expected bodies, read with nothing but the standard
library, so that a baseline process can load them without the pipeline's imports."""

import gzip
import json
from pathlib import Path

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared/corpora/article-extraction-benchmark"


def read_ground_truth(corpus: Path) -> dict[str, dict]:
    """The benchmark's ground-truth.json: page id -> {"articleBody", "url"}."""
    return json.loads((corpus / "ground-truth.json").read_text())


def load_corpus(corpus: Path) -> tuple[dict[str, bytes], dict[str, str]]:
    """The pages (id -> HTML bytes) and expected bodies (id -> text) of the benchmark; exits
    with one line when `corpus` is not such a folder."""
    if not (corpus / "ground-truth.json").is_file():
        raise SystemExit(
            f"no extraction benchmark at {corpus}: pass --corpus DIR, a folder holding"
            " ground-truth.json and html/ (../shared/corpora/article-extraction-benchmark)"
        )
    truth = read_ground_truth(corpus)
    pages = {
        key: gzip.decompress((corpus / "html" / f"{key}.html.gz").read_bytes()) for key in truth
    }
    return pages, {key: value["articleBody"] for key, value in truth.items()}


DEFAULT_WCXB = Path(__file__).resolve().parents[2] / "shared/corpora/wcxb-dev"


def load_wcxb(folder: Path) -> dict[str, tuple[str, bytes, dict]]:
    """The labelled pages of a WCXB split (id -> (page type, HTML bytes, ground truth with
    url added)); exits with one line when `folder` is not such a folder."""
    if not (folder / "metadata.json").is_file():
        raise SystemExit(
            f"no WCXB split at {folder}: pass --wcxb DIR, a folder holding metadata.json and"
            " dev/html, dev/ground-truth (../shared/corpora/wcxb-dev)"
        )
    files = json.loads((folder / "metadata.json").read_text())["files"]
    pages = {}
    for key, described in sorted(files.items()):
        labelled = json.loads((folder / "dev/ground-truth" / f"{key}.json").read_text())
        html = gzip.decompress((folder / "dev/html" / f"{key}.html.gz").read_bytes())
        truth = labelled["ground_truth"] | {"url": labelled["url"]}
        pages[key] = (described["page_type"], html, truth)
    return pages
