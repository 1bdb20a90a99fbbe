"""Shared fixtures: real files from tests/fixtures, one embedded Prefect server per session."""

import atexit
import gzip
import json
import os
import shutil
import tempfile
from pathlib import Path

# Prefect reads its settings at import: an isolated home, no telemetry, a patient start-up.
# The home this session makes (about 6 MB of database) goes when the session ends; a home
# given from outside is left alone.
if "PREFECT_HOME" not in os.environ:
    _session_prefect_home = tempfile.mkdtemp(prefix="broadsheet-prefect-")
    os.environ["PREFECT_HOME"] = _session_prefect_home
    atexit.register(shutil.rmtree, _session_prefect_home, ignore_errors=True)
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "90"
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "sample" / "000_32abcbf47c8d95e1.txt"


@pytest.fixture(scope="session")
def prefect_server():
    """One embedded Prefect API for the whole session (entering one costs seconds)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield


def labelled_pages(folder: Path) -> dict[str, tuple[bytes, dict]]:
    """A fixture folder of `<key>.html.gz` pages and their ground-truth.json: key -> (HTML
    bytes, ground truth)."""
    truth = json.loads((folder / "ground-truth.json").read_text())
    return {
        key: (gzip.decompress((folder / f"{key}.html.gz").read_bytes()), value)
        for key, value in truth.items()
    }


@pytest.fixture(scope="session")
def benchmark() -> dict[str, tuple[bytes, dict]]:
    """The 24 real pages of tests/fixtures/html: key -> (HTML bytes, ground truth)."""
    return labelled_pages(FIXTURES / "html")


@pytest.fixture(scope="session")
def wcxb() -> dict[str, tuple[bytes, dict]]:
    """The 30 wcxb-dev pages of tests/fixtures/wcxb (see tests/tasks/test_quality_gate.py)."""
    return labelled_pages(FIXTURES / "wcxb")


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="module")
def stories() -> list[list[str]]:
    """The paragraphs of the fixture pages' true bodies of more than 300 words."""
    truth = json.loads((FIXTURES / "html" / "ground-truth.json").read_text())
    bodies = [v["articleBody"] for _, v in sorted(truth.items())]
    return [[p for p in b.split("\n") if p.strip()] for b in bodies if len(b.split()) > 300]


@pytest.fixture(scope="session")
def recall_pages() -> dict[str, tuple[bytes, dict]]:
    """Six wcxb-dev pages of tests/fixtures/recall where trafilatura's balanced and recall
    modes differ or both fall short: a bulleted article, an article balanced mode finds nothing
    of, a shop page where recall mode adds a feature list, a guide whose sections neither
    mode finds (0061), a guide in sibling blocks (4193) and a blog post with its readers'
    comments in its own block (0479)."""
    return labelled_pages(FIXTURES / "recall")


@pytest.fixture(scope="session")
def metadata_pages() -> dict[str, tuple[bytes, dict]]:
    """Fifteen wcxb-dev pages of tests/fixtures/metadata: a blog post whose archive menu holds
    older dates than its own (0398), two pages written with mojibake (4656 in the headline,
    2362 in the body), a forum thread and a page whose declared dates htmldate misreads (0548,
    4825), two whose byline shows a date htmldate's search passes over (0146, 0074), one
    whose <h1> holds a label its metadata title leaves out (3036), and two with no date but a
    copyright line (0255, 0053), and two whose author field names an account's handle (0331)
    or the site (4614) where the byline names a person, and one whose carousel of other
    stories' <h1> teasers shares more words with its <title> than its own <h1> (4628), one
    whose author box shows a job title after the name (4138) and one whose tag bar stands
    where a byline would (4880)."""
    return labelled_pages(FIXTURES / "metadata")


@pytest.fixture(scope="session")
def byline_pages() -> dict[str, tuple[bytes, dict]]:
    """Three benchmark pages of tests/fixtures/bylines: two whose stories link a person they
    are about to a profile page (/topics/people/..., /people/...), one credited in JSON-LD to
    an account's handle ("kevin-r") and under its headline to a reporter."""
    return labelled_pages(FIXTURES / "bylines")
