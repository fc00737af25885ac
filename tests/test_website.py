"""The built website (_build/html) in a real browser: headless Debian Chromium driven by Playwright.

Run after a build: `make test-site` (clean build, then `pytest -m website`). For every page of _toc.yml:
HTTP 200, no console error, no failed request and no request to any host but the local server (the site
must work offline), math typeset by the locally served MathJax with no error node, every image loaded,
every internal link and #anchor resolving, no absolute machine path in the text, the exercise solutions
hidden until clicked, no sideways scrolling on a phone. Also: the sidebar lists the toc in order, and the search page finds "output_padding".
Full-page screenshots at 1280 px and 390 px go to _build/screenshots/<page>-<width>.jpg (not committed).
"""
from __future__ import annotations

import functools
import http.server
import re
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from book_toc import toc_files
import yaml

pytestmark = pytest.mark.website

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
MACHINE_PATH = re.compile(r"(?<![\w.~-])/(?:work|tmp|root|home)/")


def toc_captions():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [part["caption"] for part in toc.get("parts", []) if part.get("caption")]


PAGES = toc_files()


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("id", "name") and value:
                self.ids.add(value)


@functools.lru_cache(maxsize=None)
def ids_in(path: Path) -> frozenset:
    parser = _Ids()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return frozenset(parser.ids)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def server():
    if not (SITE / "index.html").exists():
        pytest.fail(f"{SITE} has no index.html: build the site first (make book, or make test-site)")
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (make system-deps)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _context(browser, viewport):
    context = browser.new_context(viewport=viewport, device_scale_factor=1, service_workers="block")
    context.set_default_timeout(30_000)
    return context


@pytest.fixture(scope="session")
def desktop(browser):
    context = _context(browser, DESKTOP)
    yield context
    context.close()


class Visit:
    """Open one URL in a fresh page, recording console errors, failed and remote requests."""

    def __init__(self, context, url):
        self.problems = []
        self.remote = []
        self.page = page = context.new_page()
        page.on("console", lambda msg: msg.type == "error" and self.problems.append(f"console error: {msg.text}"))
        page.on("pageerror", lambda exc: self.problems.append(f"uncaught exception: {exc}"))
        page.on("requestfailed", lambda req: self.problems.append(f"failed request: {req.url} ({req.failure})"))
        page.on("response", lambda res: res.status >= 400 and self.problems.append(f"HTTP {res.status}: {res.url}"))
        page.route("**/*", self._route)
        self.response = page.goto(url, wait_until="load")

    def _route(self, route):
        host = urlsplit(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:  # never reach the network: record and refuse
            self.remote.append(route.request.url)
            route.abort()

    def close(self):
        self.page.close()


def _wait_for_mathjax(page):
    """Wait until MathJax (if the page loads it) has typeset everything."""
    page.evaluate(
        """async () => {
            if (!window.MathJax) return;
            for (let i = 0; i < 200 && !(MathJax.startup && MathJax.startup.promise); i++)
                await new Promise(r => setTimeout(r, 50));
            if (MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
        }"""
    )


def _load_all_images(page):
    page.evaluate(
        """async () => {
            const imgs = [...document.images];
            imgs.forEach(i => { i.loading = 'eager'; });
            await Promise.all(imgs.map(i => i.complete ? null :
                new Promise(r => { i.addEventListener('load', r); i.addEventListener('error', r); })));
        }"""
    )


def _check_math(page, problems):
    math = page.evaluate(
        """() => {
            const nodes = [...document.querySelectorAll('.math, .MathJax_Preview + script, mjx-container')];
            const sources = [...document.querySelectorAll('span.math, div.math')];
            return {
                sources: sources.length,
                untypeset: sources.filter(n => !n.querySelector('mjx-container')).map(n => n.textContent.slice(0, 80)),
                containers: document.querySelectorAll('mjx-container').length,
                errors: [...document.querySelectorAll('mjx-merror, merror, [data-mjx-error]')]
                    .map(n => (n.getAttribute('data-mjx-error') || n.textContent).slice(0, 120)),
                mathjaxSrc: [...document.scripts].map(s => s.src).filter(s => /mathjax/i.test(s)),
            };
        }"""
    )
    if math["sources"]:
        if not math["containers"]:
            problems.append(f"{math['sources']} math elements but no mjx-container: MathJax did not run")
        for text in math["untypeset"]:
            problems.append(f"math not typeset: {text!r}")
    for err in math["errors"]:
        problems.append(f"MathJax error: {err!r}")
    for src in math["mathjaxSrc"]:
        if urlsplit(src).hostname not in LOCAL_HOSTS:
            problems.append(f"MathJax loaded from {src}")


def _check_images(page, problems):
    for img in page.evaluate(
        "() => [...document.images].map(i => ({src: i.currentSrc || i.src, w: i.naturalWidth, ok: i.complete}))"
    ):
        if not img["ok"] or img["w"] <= 0:
            problems.append(f"image not loaded: {img['src']}")


def _check_links(page, base_url, page_url, problems):
    hrefs = page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))")
    own_ids = set(page.evaluate("() => [...document.querySelectorAll('[id], a[name]')].map(e => e.id || e.name)"))
    for href in sorted(set(hrefs)):
        if href.startswith(("mailto:", "javascript:", "tel:")):
            continue
        url = urljoin(page_url, href)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.hostname not in LOCAL_HOSTS:
            continue  # external links are links, not requests: not followed offline
        path = unquote(parts.path)
        target = SITE / path.lstrip("/")
        if path.endswith("/"):
            target = target / "index.html"
        if not target.exists():
            problems.append(f"broken link {href!r}: {target.relative_to(SITE)} does not exist")
            continue
        if parts.fragment:
            fragment = unquote(parts.fragment)
            same_page = url.split("#")[0] == page_url.split("#")[0]
            ids = own_ids if same_page else (ids_in(target) if target.suffix == ".html" else frozenset())
            if target.suffix == ".html" and fragment not in ids:
                problems.append(f"broken anchor {href!r}: no id {fragment!r} in {target.relative_to(SITE)}")


def _check_solutions(page, problems):
    """Exercise solutions (sphinx-exercise dropdowns) are hidden until their title is clicked."""
    solutions = page.locator("div.solution.dropdown")
    if solutions.count() == 0:
        return
    first = solutions.first
    body = first.locator(":scope > :not(.admonition-title)").first
    if body.is_visible():
        problems.append("the first exercise solution is visible before it is clicked")
        return
    first.locator(":scope > .admonition-title").click()
    try:
        body.wait_for(state="visible", timeout=5_000)
    except Exception:
        problems.append("the first exercise solution did not open when its title was clicked")


def _screenshot(page, doc, width):
    """Full-page JPEG (PNG encoding of 30000-px-tall pages takes twice as long)."""
    page.screenshot(path=str(SHOTS / f"{doc.replace('/', '__')}-{width}.jpg"), full_page=True, type="jpeg",
                    quality=85, animations="disabled")


@pytest.mark.parametrize("doc", PAGES)
def test_page(doc, server, desktop):
    """Loads with HTTP 200, offline, with typeset math, loaded images, resolving links and hidden solutions."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    html = SITE / f"{doc}.html"
    assert html.exists(), f"{doc} is in _toc.yml but {html.relative_to(ROOT)} was not built"
    url = server + f"{doc}.html"
    problems = []

    visit = Visit(desktop, url)
    try:
        page = visit.page
        if visit.response is None or visit.response.status != 200:
            problems.append(f"HTTP status {visit.response and visit.response.status}")
        _wait_for_mathjax(page)
        _load_all_images(page)
        _check_math(page, problems)
        _check_images(page, problems)
        _check_links(page, server, url, problems)
        text = page.evaluate("() => document.body.innerText")
        for match in MACHINE_PATH.finditer(text):
            problems.append(f"absolute machine path on the page: {text[max(0, match.start() - 40):match.end() + 40]!r}")
        _screenshot(page, doc, DESKTOP["width"])
        _check_solutions(page, problems)
        # The same page on a phone: the theme's layout is driven by the viewport width (media queries),
        # so resizing shows the phone layout without loading the page a second time.
        page.set_viewport_size(PHONE)
        page.wait_for_timeout(300)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 2:
            problems.append(f"on a {PHONE['width']} px phone the page scrolls sideways by {overflow} px")
        _screenshot(page, doc, PHONE["width"])
        problems += visit.problems
        problems += [f"request to a remote host: {u}" for u in visit.remote]
    finally:
        visit.close()

    assert not problems, f"{doc}:\n  " + "\n  ".join(problems)


def test_sidebar_lists_the_toc_in_order(server, desktop):
    """The left sidebar shows every toc page and every part caption, in toc order."""
    visit = Visit(desktop, server + f"{PAGES[-1]}.html")
    try:
        page = visit.page
        hrefs = page.evaluate(
            "() => [...document.querySelectorAll('nav.bd-docs-nav a.reference.internal')].map(a => a.href)"
        )
        captions = page.evaluate(
            "() => [...document.querySelectorAll('nav.bd-docs-nav .caption-text')].map(c => c.textContent.trim())"
        )
    finally:
        visit.close()
    listed = [urlsplit(h).path.lstrip("/").removesuffix(".html") for h in hrefs]
    listed = [doc for doc in listed if doc != "index"]
    assert listed == PAGES, f"sidebar: {listed}\ntoc:     {PAGES}"
    assert captions == toc_captions()


def test_search_finds_output_padding(server, desktop):
    """Sphinx's JavaScript search, served locally, finds output_padding, and every hit is a page of the site."""
    visit = Visit(desktop, server + "search.html?q=output_padding")
    try:
        page = visit.page
        page.wait_for_selector("#search-results ul.search li", timeout=30_000)
        results = page.evaluate("() => [...document.querySelectorAll('#search-results ul.search li a')].map(a => a.href)")
        problems = visit.problems + visit.remote
    finally:
        visit.close()
    assert results, "no search results for output_padding"
    for result in results:
        assert (SITE / urlsplit(result).path.lstrip("/")).exists(), f"search result {result} does not exist"
    assert not problems, problems


def test_mathjax_is_served_from_the_site():
    """MathJax 3 is a file of the built site, and every page points at it (no CDN)."""
    assert (SITE / "_static" / "mathjax" / "tex-chtml.js").is_file()
    assert (SITE / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2").is_dir()
    pages_with_mathjax = 0
    for doc in PAGES:
        text = (SITE / f"{doc}.html").read_text(encoding="utf-8")
        sources = re.findall(r'<script[^>]+src="([^"]*mathjax[^"]*)"', text, flags=re.I)
        pages_with_mathjax += bool(sources)
        assert all(not urlsplit(s).scheme and "_static/mathjax/" in s for s in sources), f"{doc}: MathJax from {sources}"
    assert pages_with_mathjax, "no page loads MathJax"
