# Broadsheet: `make demo` and `make test` are all a new user needs (Python 3.11+ and make).
UV_VERSION := 0.13.8
UV := $(shell command -v uv 2>/dev/null || echo .bootstrap/bin/uv)
export UV_PYTHON_DOWNLOADS := never
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS := 90

.PHONY: install demo test check format bench bench-scale clean

.bootstrap/bin/uv:
	python3 -m venv .bootstrap
	.bootstrap/bin/pip install --quiet uv==$(UV_VERSION)

# Bytecode is compiled at install: where PYTHONDONTWRITEBYTECODE is set (containers, CI), every
# process would otherwise compile its imports again, seconds for each command and Prefect server.
install: $(if $(filter .bootstrap/bin/uv,$(UV)),.bootstrap/bin/uv)  ## create .venv with the locked dependencies
	$(UV) sync --frozen --compile-bytecode

demo: install  ## archive the bundled sample pages and run an example query
	.venv/bin/broadsheet run tests/fixtures/sample --warehouse warehouse
	.venv/bin/broadsheet sql --warehouse warehouse \
	  "SELECT site, count(*) AS articles, sum(word_count) AS words FROM articles GROUP BY site ORDER BY articles DESC, site"

test: install  ## run the test suite
	.venv/bin/pytest

check: install  ## lint, format check and type check
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy flows tasks schemas warehouse bench

format: install
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

bench: install  ## extraction quality on both development sets, speed, and dedup quality
	.venv/bin/python bench/quality.py
	.venv/bin/python bench/extraction.py
	.venv/bin/python bench/dedup.py

bench-scale: install  ## scaling, incremental nights and queries over 1M articles (about an hour)
	.venv/bin/python bench/scale.py
	.venv/bin/python bench/incremental.py
	.venv/bin/python bench/queries.py
	.venv/bin/python bench/furniture.py

clean:
	rm -rf warehouse/tables warehouse/_staging warehouse/_scratch warehouse/_manifests warehouse/*.duckdb
