# urbanops — the two commands a fresh machine needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export QT_QPA_PLATFORM ?= $(if $(DISPLAY)$(WAYLAND_DISPLAY),,offscreen)

.PHONY: demo test lint typecheck pytest fuzz bench translations clean venv installer installer-test docs-screenshots

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/urbanops demo $(DEMO_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check console maps widgets tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -n 2 $(PYTEST_ARGS)

test: lint typecheck pytest

# Issue-10 security run: every parser and importer at 10 000 hypothesis examples (derandomized `fuzz` profile);
# about 10 min on 2 cores (docs/security.md), run by .ci/run after `make test`.
fuzz: $(STAMP)
	URBANOPS_FUZZ_PROFILE=fuzz QT_QPA_PLATFORM=offscreen $(BIN)/pytest -n 2 \
	  tests/security/test_security_fuzz_10k.py $(PYTEST_ARGS)

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m bench $(BENCH_ARGS)

translations: $(STAMP)
	$(BIN)/python -m widgets.i18n_build

# Installer (installer/): PyInstaller one-folder bundle + .deb in installer/dist/; never part of `make test`.
INSTALLER_STAMP := $(VENV)/.installer-installed
BUNDLE_EXE := installer/dist/urbanops/urbanops

$(INSTALLER_STAMP): $(STAMP)
	$(BIN)/python -m pip install -q -e '.[dev,installer]'
	touch $(INSTALLER_STAMP)

installer: $(INSTALLER_STAMP)
	$(BIN)/python installer/build_linux.py $(INSTALLER_ARGS)

installer-test: $(STAMP)
	test -x $(BUNDLE_EXE) || $(MAKE) installer
	QT_QPA_PLATFORM=offscreen $(BIN)/python installer/smoke_test.py
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -p no:xdist tests/installer

# Screenshots for README and docs/ (zh and en, dark and light), made by the console's own --screenshot.
SCREENSHOT_DB ?= /tmp/urbanops-docs-screenshots.db
docs-screenshots: $(STAMP)
	for lang in zh en; do for theme in dark light; do \
	  QT_QPA_PLATFORM=offscreen $(BIN)/urbanops demo --db sqlite:///$(SCREENSHOT_DB) --lang $$lang --theme $$theme \
	    --screenshot docs/screenshots/console-$$lang-$$theme.png --quit-after 5 || exit 1; \
	done; done
	cp docs/screenshots/console-zh-dark.png docs/screenshots/readme-console.png
	QT_QPA_PLATFORM=offscreen $(BIN)/urbanops wall --db sqlite:///$(SCREENSHOT_DB) --windowed \
	  --screenshot docs/screenshots/wall-overview.png

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
