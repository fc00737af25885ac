"""Print the course and its cheat sheet to PDF with headless Chromium (`make pdf`).

    .venv/bin/python book/make_pdf.py _build/singlehtml _build/html

The first directory is the single-page build of the book (`jupyter-book build . --builder singlehtml`),
the second the website: the whole course, every chapter with its figures and typeset math, is printed
to <website>/tconv-course.pdf, and the cheat sheet page to <website>/cheatsheet.pdf (A4). The download
menu of every page links them (book/_ext/tconv_book.py). Chromium is $CHROMIUM (default Debian's
/usr/bin/chromium); the
pages are served from a local port and no request may leave it, as on the website.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM = os.environ.get(
    "CHROMIUM", "/usr/bin/chromium"
)  # as the website tests
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run"]
COURSE_PDF = "tconv-course.pdf"
CHEATSHEET_PDF = "cheatsheet.pdf"
CHEATSHEET_PAGE = "book/cheatsheet.html"
FOOTER = (
    '<div style="font-size:8px; width:100%; text-align:center; color:#666;">'
    '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def serve(directory: Path):
    """Serve a directory on a free local port; yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


def _offline(route):
    """Let only the local server answer: the PDF must not depend on the network."""
    if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost"):
        route.continue_()
    elif route.request.url.startswith(("data:", "blob:")):
        route.continue_()
    else:
        route.abort()


COURSE_MARGINS = {
    "top": "14mm",
    "bottom": "14mm",
    "left": "13mm",
    "right": "13mm",
}
# The cheat sheet is a reference card: narrow margins, so that it fits on two pages.
CHEATSHEET_MARGINS = {
    "top": "9mm",
    "bottom": "10mm",
    "left": "10mm",
    "right": "10mm",
}


def print_page(
    browser, url: str, pdf: Path, margins: dict, timeout_ms: int = 300_000
) -> None:
    """Open url, wait for its images and MathJax, and print it to pdf (A4, page numbers)."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(timeout_ms)
    page.route("**/*", _offline)
    page.goto(url, wait_until="load")
    page.evaluate(
        """async () => {
            const imgs = [...document.images];
            imgs.forEach(i => { i.loading = 'eager'; });
            await Promise.all(imgs.map(i => i.complete ? null :
                new Promise(r => { i.addEventListener('load', r); i.addEventListener('error', r); })));
            if (!window.MathJax) return;
            for (let i = 0; i < 400 && !(MathJax.startup && MathJax.startup.promise); i++)
                await new Promise(r => setTimeout(r, 50));
            if (MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
        }"""
    )
    page.pdf(
        path=str(pdf),
        format="A4",
        print_background=True,
        prefer_css_page_size=True,
        display_header_footer=True,
        header_template="<span></span>",
        footer_template=FOOTER,
        margin=margins,
    )
    page.close()


def single_page(single: Path) -> str:
    """The single page, copied to the build's root as course.html; its name relative to the root.

    Jupyter Book's index.html only redirects to the root document (book/intro.html), whose links to
    _static/ and _images/ are written relative to the build's root: at the root they resolve.
    """
    index = (single / "index.html").read_text(encoding="utf-8")
    redirect = re.search(
        r'http-equiv="Refresh" content="0; url=([^"]+)"', index
    )
    if not redirect:
        return "index.html"
    course = single / "course.html"
    course.write_text(
        (single / redirect.group(1)).read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    return course.name


def main(single: Path, site: Path) -> None:
    from playwright.sync_api import sync_playwright

    if not (single / "index.html").is_file():
        sys.exit(
            f"{single}/index.html not found: build it first (--builder singlehtml)"
        )
    if not (site / CHEATSHEET_PAGE).is_file():
        sys.exit(
            f"{site}/{CHEATSHEET_PAGE} not found: build the website first (make book)"
        )
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        with serve(single) as base:
            print_page(
                browser,
                base + single_page(single),
                site / COURSE_PDF,
                COURSE_MARGINS,
            )
        with serve(site) as base:
            print_page(
                browser,
                base + CHEATSHEET_PAGE,
                site / CHEATSHEET_PDF,
                CHEATSHEET_MARGINS,
            )
        browser.close()
    for name in (COURSE_PDF, CHEATSHEET_PDF):
        size = (site / name).stat().st_size
        print(f"{site / name}: {size / 1e6:.1f} MB")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(Path(sys.argv[1]), Path(sys.argv[2]))
