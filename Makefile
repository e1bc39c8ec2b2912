# Two commands set up everything on a fresh machine: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.PHONY: install translations messages system-deps run test lint bench bench-workspace bench-hostile accuracy check-content clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP) translations

# Compile the Spanish catalog (.po, committed) to .mo (git-ignored). The app also works without
# this step: it compiles a missing or older .mo's .po in memory at start-up (web/language.py).
translations: $(STAMP)
	$(VENV)/bin/pybabel -q compile -d translations

# After changing page words: gather them from templates/ and web/ and merge them into each .po,
# then write the new translations (tests/web/test_i18n.py fails until every one is done).
messages: $(STAMP)
	$(VENV)/bin/pybabel -q extract -F babel.cfg --project bill-explainer --version 0.1.0 -o translations/messages.pot .
	$(VENV)/bin/pybabel -q update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

# Debian packages the tests drive: real headless Chromium, and wrk for the load benchmark.
system-deps:
	@if [ ! -x /usr/bin/chromium ] || ! command -v wrk >/dev/null || [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-dejavu-core wrk >/dev/null; \
	fi

run: install
	$(VENV)/bin/bill-explainer serve --host 127.0.0.1 --port 5000

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

# The packaging tests (build the wheel, install it in a new venv, serve it) and the serial
# ones (real servers under attack, measuring memory and time) run alone after the xdist run,
# so they never compete with its workers for the two cores.
test: install system-deps lint
	$(VENV)/bin/bill-explainer check-content
	$(VENV)/bin/pytest -n 2 -p no:cacheprovider -m "not packaging and not serial"
	$(VENV)/bin/pytest -p no:cacheprovider -m serial tests/hardening
	$(VENV)/bin/pytest -p no:cacheprovider -m packaging tests/packaging

bench: install system-deps
	$(PY) bench/run.py

# The attack table of issue 17 alone: hostile files, slow clients, a flood (about 3 minutes).
bench-hostile: install
	$(PY) bench/run.py hostile

# The 835 workspace alone (issue 15): a 5,000-claim 835 against the served app; times and
# page bytes (targets: upload to first page <= 2 s, later pages <= 0.3 s, pages <= 500 KB).
bench-workspace: install
	$(PY) bench/run.py workspace

# Reading accuracy on the layout zoo (tests/zoo/, built into build/zoo when its generator
# changed): F1 for lines, adjustments and findings and false alerts, per family.
# ACCURACY_ARGS="--no-photos" for a quick run; "--details FAMILY" for one family's misses.
accuracy: install
	$(PY) bench/accuracy.py $(ACCURACY_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build dist *.egg-info
