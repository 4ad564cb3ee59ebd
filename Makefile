# Poets Bay. `make run` opens the app; `make test` runs every test. Both start from nothing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test serve lint screenshots bundle bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/poetsbay

serve: $(STAMP)
	$(BIN)/poetsbay serve

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check backend desktop tests bench

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m desktop.screenshots docs/screenshots

bundle: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bundle]'
	$(BIN)/pyinstaller --noconfirm build.spec
	QT_QPA_PLATFORM=offscreen dist/PoetsBay/PoetsBay --self-test

bench: $(STAMP)
	$(BIN)/python bench/api_load.py

clean:
	rm -rf build dist .pytest_cache
