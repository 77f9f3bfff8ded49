# sos-serial: `make run` serves the admin with demo data; `make test` runs every test tier.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app sos_serial
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run setup test test-sqlite test-postgresql system-deps build-deps bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# ICU's headers, pkg-config and a C++ compiler: PyICU (Unicode's confusables data, for serial keys) builds
# against them when it is installed.
build-deps:
	@if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists icu-i18n || ! command -v g++ >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libicu-dev pkg-config g++ >/dev/null; \
		else \
			echo "Install ICU's headers and a compiler first: sudo apt-get install -y libicu-dev pkg-config g++"; exit 1; \
		fi; \
	fi

$(VENV)/.installed: pyproject.toml setup.py | $(BIN)/python build-deps
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

setup: $(VENV)/.installed

# The app on its embedded default: SQLite in ./instance, demo data, a first admin.
run: setup
	$(FLASK) db upgrade
	$(FLASK) demo load
	$(FLASK) users create admin --role admin --if-missing
	@echo "Serving the admin at http://$(HOST):$(PORT)/admin/ (sign in as admin)"
	$(FLASK) run --host $(HOST) --port $(PORT)

# The PostgreSQL server and Chromium the tests need, from Debian, when they are missing.
system-deps:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! command -v chromium >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql chromium >/dev/null; \
		else \
			echo "Install PostgreSQL and Chromium first: sudo apt-get install -y postgresql chromium"; exit 1; \
		fi; \
	fi

test: setup system-deps test-sqlite test-postgresql

test-sqlite: setup
	$(BIN)/python -m pytest --db=sqlite

test-postgresql: setup
	$(BIN)/python -m pytest --db=postgresql

bench: setup
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build dist *.egg-info test-artifacts .pytest_cache
