# congvan — two commands for a new user on Debian/Ubuntu:
#   make run    install what is missing, then extract data/raw/ into data/processed/
#   make test   install what is missing, then run the whole test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# System packages: Tesseract with its Vietnamese (and English, for re-reading numbers)
# models; antiword for legacy .doc files and LibreOffice Writer for the .doc/.rtf it cannot
# read; Times-like and DejaVu fonts to render the test pages; python3-venv.
APT_PACKAGES := tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng antiword \
	libreoffice-writer-nogui fonts-liberation2 fonts-dejavu-core python3-venv
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test install install-test system-deps clean-processed bench

run: install
	$(BIN)/congvan extract data/raw --out data/processed

test: install-test
	@$(BIN)/python -m pytest -q; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests: that is a failure" >&2; exit 1; fi; \
	exit $$rc

install: system-deps $(VENV)/.installed

# The tests also need the dev tools and the optional Ray engine (its test compares engines).
install-test: install $(VENV)/.installed-test

system-deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install -q -e '.[dev,ray]'
	touch $@

bench: install
	$(BIN)/python benchmarks/bench_text.py

clean-processed:
	rm -rf data/processed/*
