# The two commands of the README: `make book` builds the website, `make test` runs every test.
# Both create .venv and install the pinned dependencies on first use, and skip that afterwards.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# The browser of the website tests (tests/test_website.py reads CHROMIUM): Debian's by default; on a Mac,
# for example: make test CHROMIUM="/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"
CHROMIUM ?= /usr/bin/chromium
export CHROMIUM
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

# A "foreign CPU" for nbval: portable kernels (no AVX2/AVX-512 in ATen and oneDNN, OpenBLAS's Haswell
# kernels, MKL's reproducible path), one thread, a headless matplotlib backend. The book build keeps this
# machine's defaults, so a stored output that depends on the CPU fails one of the two on any machine.
# (ONEDNN_MAX_CPU_ISA and OPENBLAS_CORETYPE name x86 kernels: they are set on x86-64 only.)
FOREIGN_CPU := ATEN_CPU_CAPABILITY=default MKL_CBWR=COMPATIBLE OMP_NUM_THREADS=1 MPLBACKEND=Agg
ifeq ($(shell uname -m),x86_64)
FOREIGN_CPU += ONEDNN_MAX_CPU_ISA=SSE41 OPENBLAS_CORETYPE=Haswell
endif

# TensorFlow's C++ log lines would land in notebook outputs and break nbval; the oneDNN switch
# keeps TF's CPU results bit-stable. (Every chapter that draws says `%matplotlib inline`, so its figures
# are stored whatever MPLBACKEND is; tests/conftest.py sets Agg for pytest.)
export TF_CPP_MIN_LOG_LEVEL := 2
export TF_ENABLE_ONEDNN_OPTS := 0
export PYTHONHASHSEED := 0

.PHONY: book test test-lib test-notebooks test-site lint pdf serve lab bench system-deps check-platforms repository clean

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11) or sys.version_info < (3, 11, 5))' \
	  || { echo "The pins need Python 3.11 (3.11.5 or newer): make PYTHON=python3.11 ..."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements.txt
	$(BIN)/python -m pip install --disable-pip-version-check -q --no-deps --no-build-isolation -e .
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . --warningiserror --keep-going
	@echo "The website is in $(CURDIR)/_build/html: open $(CURDIR)/_build/html/index.html"

# Headless Chromium for the website tests (an installed browser, never a downloaded build) and a CJK font,
# so that the screenshots show the glossary's Chinese terms (macOS has one). Installed from Debian's
# packages when apt-get is there and we are root; otherwise this says what to install.
system-deps:
	@if [ -x "$(CHROMIUM)" ] && { [ "$$(uname)" = Darwin ] || fc-list :lang=zh 2>/dev/null | grep -q .; }; then \
	  exit 0; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; \
	elif command -v apt-get >/dev/null; then \
	  echo "The website tests need chromium and a CJK font: sudo apt-get install chromium fonts-wqy-microhei"; exit 1; \
	elif [ "$$(uname)" = Darwin ]; then \
	  echo "The website tests need Google Chrome or Chromium (for example: brew install --cask chromium),"; \
	  echo "then: make test CHROMIUM=\"/Applications/Google Chrome.app/Contents/MacOS/Google Chrome\""; \
	  echo "  or: make test CHROMIUM=/Applications/Chromium.app/Contents/MacOS/Chromium"; exit 1; \
	else \
	  echo "The website tests need Chromium and a CJK font (e.g. WenQuanYi Micro Hei or Noto Sans CJK) from your"; \
	  echo "package manager (dnf install chromium wqy-microhei-fonts, pacman -S chromium wqy-microhei, ...),"; \
	  echo "then: make test CHROMIUM=/path/to/chromium (now: $(CHROMIUM))"; exit 1; \
	fi

test: $(STAMP) system-deps
	$(MAKE) --no-print-directory check-platforms test-lib test-notebooks test-site lint

# Derandomised hypothesis (the "ci" profile of tests/conftest.py): a failure reproduces on the next run.
test-lib: $(STAMP)
	$(BIN)/pytest -m "not website" -n 2 -q --hypothesis-profile=ci

test-notebooks: $(STAMP)
	env $(FOREIGN_CPU) $(BIN)/pytest --nbval notebooks -n 2 --dist loadfile -q

# requirements.txt resolves for macOS arm64 and Linux aarch64, wheels only (.ci/check_platforms.py asks
# the package index: 35 s on an idle machine, 2 min on a busy one): run again only when the pins change.
PLATFORMS_STAMP := $(VENV)/.platforms-stamp
check-platforms: $(PLATFORMS_STAMP)
$(PLATFORMS_STAMP): requirements.txt .ci/check_platforms.py $(STAMP)
	$(BIN)/python .ci/check_platforms.py requirements.txt
	touch $@

# A clean, warnings-as-errors build (notebooks re-executed: no cache), then the browser tests on it.
# Screenshots of every page land in _build/screenshots/.
test-site: $(STAMP) system-deps
	rm -rf _build
	$(BIN)/jupyter-book build . --warningiserror --keep-going
	$(MAKE) --no-print-directory pdf
	$(BIN)/pytest -m website -q tests/test_website*.py tests/test_explorer.py
	@echo "Screenshots of every page (1280 px and 390 px wide): $(CURDIR)/_build/screenshots/"

# Code style: ruff's formatter at the page width and a small lint rule set (pyproject.toml [tool.ruff]).
lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

# The whole course as one PDF, and the cheat sheet as a two-page PDF, printed by headless Chromium from
# the single-page build (notebooks from the execution cache): _build/html/tconv-course.pdf and
# _build/html/cheatsheet.pdf, linked from every page's download menu.
pdf: $(STAMP) system-deps
	test -f _build/html/index.html || $(MAKE) --no-print-directory book
	$(BIN)/jupyter-book build . --builder singlehtml --warningiserror --keep-going
	$(BIN)/python book/make_pdf.py _build/singlehtml _build/html

# JupyterLab on the notebooks, without building the book (set-up on first use). Stop it with Ctrl-C.
lab: $(STAMP)
	$(BIN)/jupyter lab --ip=127.0.0.1 $(ROOT_FLAG) notebooks

# The course's public repository, the one setting behind the repository and launch buttons and the Colab
# cell of every notebook: make repository URL=https://github.com/OWNER/REPO (URL= unsets it).
repository:
	@if [ "$(origin URL)" = undefined ]; then echo "usage: make repository URL=https://github.com/OWNER/REPO"; exit 2; fi
	$(PYTHON) .ci/set_repository.py "$(URL)"

serve: book
	@echo "Serving the website at http://127.0.0.1:8000/ (Ctrl-C to stop)"
	$(BIN)/python -m http.server --directory _build/html 8000 --bind 127.0.0.1

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py

clean:
	rm -rf _build .pytest_cache .hypothesis
