# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test demo bench clean package package-check package-naive install-desktop uninstall-desktop icons

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## Create the environment and open the app on the demo workspace.
run: $(STAMP)
	$(BIN)/ninety gui --demo

## Create the environment, check the import contracts (pyproject.toml), run the whole suite headless.
test: $(STAMP)
	$(BIN)/lint-imports --no-cache
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

## Write a fresh demo workspace to ./demo.ninety
demo: $(STAMP)
	$(BIN)/ninety demo demo.ninety

bench: $(STAMP)
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache

# --------------------------------------------------------------------------- packaging (packaging/README.md)
PYINSTALLER_REQ := pyinstaller>=6,<7

## Build the one-directory bundle dist/ninety/ (installs PyInstaller into .venv first).
package: $(STAMP)
	$(BIN)/python -m pip install --quiet '$(PYINSTALLER_REQ)'
	$(BIN)/python -m PyInstaller --noconfirm --clean --log-level WARN \
		--distpath dist --workpath build/pyinstaller packaging/ninety.spec
	@du -sh dist/ninety

## Build the bundle, then smoke-test it headless (packaging/smoke_test.sh).
package-check: package
	bash packaging/smoke_test.sh dist/ninety

## The naive spec (nothing trimmed) into dist/ninety-naive/, to measure what ninety.spec saves.
package-naive: $(STAMP)
	$(BIN)/python -m pip install --quiet '$(PYINSTALLER_REQ)'
	$(BIN)/python -m PyInstaller --noconfirm --clean --log-level WARN \
		--distpath dist --workpath build/pyinstaller-naive packaging/naive.spec
	@du -sh dist/ninety-naive

## Install the launcher, the .ninety MIME type and the icons for the current user.
install-desktop:
	bash packaging/linux/install-desktop.sh

uninstall-desktop:
	bash packaging/linux/install-desktop.sh --uninstall

## Re-render resources/icons/ninety-<size>.png from ninety.svg (needs rsvg-convert).
icons:
	bash packaging/make_icons.sh
