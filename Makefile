# Sitrep: `make run` builds the warehouse from samples/corpus, `make test` runs the test suite.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PORT   ?= 3000

.PHONY: run test ui lint manifest

# The venv is (re)installed when missing or when pyproject.toml is newer than the stamp.
$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	test -x $(VENV)/bin/uv || $(PY) -m pip install -q uv
	# bytecode compiled at install: every run and dbt subprocess would compile ~3,000 modules
	# again at start-up where .pyc files cannot be written (PYTHONDONTWRITEBYTECODE, read-only)
	$(VENV)/bin/uv pip install -q --python $(PY) --compile-bytecode -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/sitrep run --source samples/corpus --warehouse warehouse/sitrep.duckdb

# dbt parse: writes dbt_project/target/manifest.json, which the Dagster definitions load.
manifest: $(STAMP)
	$(PY) -m orchestration.dbt_manifest

# The suite is mostly single-threaded Python (pipeline runs, dbt, GX): two pytest-xdist workers
# nearly halve it on two cores. A test file stays on one worker, so its module fixtures run once.
# TEST_WORKERS=0 runs the tests in one process; PYTEST_ARGS adds options (-k, -x, a file...).
TEST_WORKERS ?= 2
PYTEST_ARGS  ?=
# pytest exits 5 when it collected no test: that is a failure too.
test: manifest
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests" >&2; exit 1; fi; exit $$rc

ui: $(STAMP)
	$(VENV)/bin/sitrep ui --port $(PORT)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

# make bench [N=10000 | N="10000 100000 1000000"] [CORPUS=../shared/data/fakes_dev.csv]: timings in bench/results.json (bench/README.md)
N      ?= 10000
CORPUS ?= samples/corpus
.PHONY: bench
bench: $(STAMP)
	$(PY) -m bench.run --n $(N) --corpus $(CORPUS)

# make instructions [N=10000] [CORPUS=...]: the extractor's instructions per article, by callgrind (bench/README.md)
.PHONY: instructions
instructions: $(STAMP)
	$(PY) -m bench.instructions --n $(N) --corpus $(CORPUS)
