"""Shared test set-up and helpers.

TensorFlow's environment variables must be set before it is imported; matplotlib draws
off-screen. The helpers here (``ROOT``, the PyTorch reference) are imported by the test
files as ``from conftest import ...``.
"""

import functools
import http.server
import os
import threading
from pathlib import Path

import pytest
from hypothesis import settings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("MPLBACKEND", "Agg")

#: The repository's root directory.
ROOT = Path(__file__).resolve().parents[1]

#: The built website the browser tests read (``make test-site`` builds it).
SITE = Path(
    os.environ.get("TCONV_SITE_DIR", ROOT / "_build" / "html")
).resolve()
#: Their headless browser: Debian's by default (``make test CHROMIUM=...`` elsewhere).
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# The profile the Makefile selects: the same examples on every run and machine.
settings.register_profile(
    "ci", derandomize=True, deadline=None, print_blob=True
)


def budget_asked_for(refusal):
    """The ``memory_budget`` a library refusal (a pytest ExceptionInfo) says would work."""
    return int(str(refusal.value).split("pass memory_budget=")[1].split()[0])


def torch_conv(x, w, stride=1, padding=0, dilation=1, groups=1):
    """``torch.nn.functional.conv{1,2,3}d`` on numpy arrays (no bias), as a numpy array."""
    import torch
    import torch.nn.functional as F

    function = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[w.ndim - 2]
    args = (
        torch.from_numpy(x),
        torch.from_numpy(w),
        None,
        stride,
        padding,
        dilation,
        groups,
    )
    return function(*args).numpy()


def torch_conv_transpose(
    x, w, stride=1, padding=0, output_padding=0, dilation=1, groups=1
):
    """``torch.nn.functional.conv_transpose{1,2,3}d`` on numpy arrays (no bias)."""
    import torch
    import torch.nn.functional as F

    function = {
        1: F.conv_transpose1d,
        2: F.conv_transpose2d,
        3: F.conv_transpose3d,
    }[w.ndim - 2]
    return function(
        torch.from_numpy(x),
        torch.from_numpy(w),
        stride=stride,
        padding=padding,
        output_padding=output_padding,
        dilation=dilation,
        groups=groups,
    ).numpy()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def server():
    """The built site on a local port, for every browser test of the session."""
    if not (SITE / "index.html").exists():
        pytest.fail(
            f"{SITE} has no index.html: build the site first (make book, or make test-site)"
        )
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session: Playwright's sync API allows one instance at a time."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} not found: install Debian's chromium (make system-deps) or set CHROMIUM"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
