# The two commands of the README: `make book` builds the website, `make test` runs every test.
# Both create .venv and install the pinned dependencies on first use, and skip that afterwards.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
CHROMIUM := /usr/bin/chromium

# TensorFlow's C++ log lines would land in notebook outputs and break nbval; the oneDNN switch
# keeps TF's CPU results bit-stable. (No MPLBACKEND here: notebook kernels must keep their inline
# backend, or executed notebooks lose their figures; tests/conftest.py sets Agg for pytest.)
export TF_CPP_MIN_LOG_LEVEL := 2
export TF_ENABLE_ONEDNN_OPTS := 0
export PYTHONHASHSEED := 0

.PHONY: book test test-lib test-notebooks test-site serve bench system-deps clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements.txt
	$(BIN)/python -m pip install --disable-pip-version-check -q --no-deps --no-build-isolation -e .
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . --warningiserror --keep-going
	@echo "The website is in $(CURDIR)/_build/html: open $(CURDIR)/_build/html/index.html"

# Headless Chromium for the website tests, from Debian's packages (never a downloaded browser), and a CJK
# font so that the screenshots show the glossary's Chinese terms.
system-deps:
	@if [ ! -x $(CHROMIUM) ] || ! fc-list :lang=zh 2>/dev/null | grep -q .; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; \
	  else \
	    echo "The website tests need Debian's chromium (and fonts-wqy-microhei): run 'sudo apt-get install chromium fonts-wqy-microhei'"; exit 1; \
	  fi; \
	fi

test: $(STAMP) system-deps
	$(MAKE) --no-print-directory test-lib test-notebooks test-site

test-lib: $(STAMP)
	$(BIN)/pytest -m "not website" -n 2 -q

test-notebooks: $(STAMP)
	$(BIN)/pytest --nbval notebooks -n 2 --dist loadfile -q

# A clean, warnings-as-errors build (notebooks re-executed: no cache), then the browser tests on it.
# Screenshots of every page land in _build/screenshots/.
test-site: $(STAMP) system-deps
	rm -rf _build
	$(BIN)/jupyter-book build . --warningiserror --keep-going
	$(BIN)/pytest -m website -q tests/test_website.py
	@echo "Screenshots of every page (1280 px and 390 px wide): $(CURDIR)/_build/screenshots/"

serve: book
	@echo "Serving the website at http://127.0.0.1:8000/ (Ctrl-C to stop)"
	$(BIN)/python -m http.server --directory _build/html 8000 --bind 127.0.0.1

bench: $(STAMP)
	$(BIN)/python -m tconv_lib.bench

clean:
	rm -rf _build .pytest_cache .hypothesis
