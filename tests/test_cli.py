"""The installed `broadsheet` console script, as a user runs it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SEED

BROADSHEET = Path(sys.executable).with_name("broadsheet")


def broadsheet(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BROADSHEET), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env=os.environ.copy(),
    )


def test_user_error_is_one_line_without_traceback(tmp_path):
    result = broadsheet("run", "no/such/folder", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: input not found: no/such/folder (check the path, or the working directory)"
    ]


@pytest.mark.flow
def test_run_then_query_with_the_default_warehouse(tmp_path):
    result = broadsheet("run", str(SEED), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Run summary" in result.stdout
    assert (tmp_path / "warehouse" / "broadsheet.duckdb").exists()
    query = broadsheet(
        "sql", "--format", "json", "SELECT title, word_count FROM articles", cwd=tmp_path
    )
    assert json.loads(query.stdout)[0]["title"].startswith("Putin, Trump")
    csv_out = broadsheet("sql", "-f", "csv", "SELECT count(*) AS n FROM pages", cwd=tmp_path)
    assert csv_out.stdout.splitlines() == ["n", "1"]
