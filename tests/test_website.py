"""The built website in a real browser: headless Chromium (Debian's, or $CHROMIUM) driven by Playwright.

Run after a build: `make test-site` (clean build, `make pdf`, then `pytest -m website`). The site is read
from $TCONV_SITE_DIR (default _build/html). For every page of _toc.yml: HTTP 200, no console error, no
failed request and no request to any host but the local server (the site must work offline), math typeset
by the locally served MathJax with no error node, every image loaded, every internal link and #anchor
resolving, no absolute machine path and no authoring syntax in the text, the exercise solutions hidden
until clicked, no sideways scrolling on a phone. Also: the sidebar lists the toc in order; the menu and
contents buttons open their drawers and a link in them navigates (390, 800, 1280 px); the theme button
goes straight to dark; code blocks fit their box and outputs too, but for at most five tagged wide
tables (390 and 1280 px); notebook figures have numbered captions and alt text; no formula shows a
literal backslash; chapter 09's results are a table; search finds output_padding and its summaries
show no LaTeX; the cheat sheet prints on two A4 pages and its tables stay readable on a phone; the
course PDF has every chapter; favicon, logo, social-card tags, 404 page, licence and citation exist.
Full-page screenshots at 1280 px and 390 px go to <site>/../screenshots/<page>-<width>.jpg.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import yaml
from book_toc import toc_files
from conftest import ROOT, SITE

pytestmark = pytest.mark.website

SHOTS = SITE.parent / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
TABLET = {"width": 800, "height": 1000}
PHONE = {"width": 390, "height": 844}
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
MACHINE_PATH = re.compile(r"(?<![\w.~-])/(?:work|tmp|root|home)/")
# MyST roles and directives a reader should never see (they are for the authors).
AUTHORING_SYNTAX = re.compile(
    r"\{(?:term|ref|cite|numref|doc|eq|glue|py:func|exercise|solution)[^}]*\}`"
)
# Outputs that may scroll sideways: cells tagged `wide-output` (deliberate wide tables), at most this many.
MAX_WIDE_OUTPUTS = 5

sys.path.insert(0, str(ROOT / "book"))
import make_pdf  # noqa: E402  (book/make_pdf.py: the same Chromium printing as `make pdf`)


def toc_captions():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [
        part["caption"] for part in toc.get("parts", []) if part.get("caption")
    ]


PAGES = toc_files()


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("id", "name") and value:
                self.ids.add(value)


@functools.cache
def ids_in(path: Path) -> frozenset:
    parser = _Ids()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return frozenset(parser.ids)


def _context(browser, viewport):
    context = browser.new_context(
        viewport=viewport, device_scale_factor=1, service_workers="block"
    )
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
        page.on(
            "console",
            lambda msg: (
                msg.type == "error"
                and self.problems.append(f"console error: {msg.text}")
            ),
        )
        page.on(
            "pageerror",
            lambda exc: self.problems.append(f"uncaught exception: {exc}"),
        )
        page.on(
            "requestfailed",
            lambda req: self.problems.append(
                f"failed request: {req.url} ({req.failure})"
            ),
        )
        page.on(
            "response",
            lambda res: (
                res.status >= 400
                and self.problems.append(f"HTTP {res.status}: {res.url}")
            ),
        )
        page.route("**/*", self._route)
        self.response = page.goto(url, wait_until="load")

    def _route(self, route):
        host = urlsplit(route.request.url).hostname
        if (
            route.request.url.startswith(("data:", "blob:"))
            or host in LOCAL_HOSTS
        ):
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
            problems.append(
                f"{math['sources']} math elements but no mjx-container: MathJax did not run"
            )
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
    hrefs = page.evaluate(
        "() => [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))"
    )
    own_ids = set(
        page.evaluate(
            "() => [...document.querySelectorAll('[id], a[name]')].map(e => e.id || e.name)"
        )
    )
    for href in sorted(set(hrefs)):
        if href.startswith(("mailto:", "javascript:", "tel:")):
            continue
        url = urljoin(page_url, href)
        parts = urlsplit(url)
        if (
            parts.scheme not in ("http", "https")
            or parts.hostname not in LOCAL_HOSTS
        ):
            continue  # external links are links, not requests: not followed offline
        path = unquote(parts.path)
        target = SITE / path.lstrip("/")
        if path.endswith("/"):
            target = target / "index.html"
        if not target.exists():
            problems.append(
                f"broken link {href!r}: {target.relative_to(SITE)} does not exist"
            )
            continue
        if parts.fragment:
            fragment = unquote(parts.fragment)
            same_page = url.split("#")[0] == page_url.split("#")[0]
            ids = (
                own_ids
                if same_page
                else (
                    ids_in(target) if target.suffix == ".html" else frozenset()
                )
            )
            if target.suffix == ".html" and fragment not in ids:
                problems.append(
                    f"broken anchor {href!r}: no id {fragment!r} in {target.relative_to(SITE)}"
                )


def _check_solutions(page, problems):
    """Exercise solutions (sphinx-exercise dropdowns) are hidden until their title is clicked."""
    solutions = page.locator("div.solution.dropdown")
    if solutions.count() == 0:
        return
    first = solutions.first
    body = first.locator(":scope > :not(.admonition-title)").first
    if body.is_visible():
        problems.append(
            "the first exercise solution is visible before it is clicked"
        )
        return
    first.locator(":scope > .admonition-title").click()
    try:
        body.wait_for(state="visible", timeout=5_000)
    except Exception:
        problems.append(
            "the first exercise solution did not open when its title was clicked"
        )


def _screenshot(page, doc, width):
    """Full-page JPEG (PNG encoding of 30000-px-tall pages takes twice as long)."""
    page.screenshot(
        path=str(SHOTS / f"{doc.replace('/', '__')}-{width}.jpg"),
        full_page=True,
        type="jpeg",
        quality=85,
        animations="disabled",
    )


@pytest.mark.parametrize("doc", PAGES)
def test_page(doc, server, desktop):
    """Loads with HTTP 200, offline, with typeset math, loaded images, resolving links and hidden solutions."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    html = SITE / f"{doc}.html"
    assert html.exists(), f"{doc} is in _toc.yml but {html} was not built"
    url = server + f"{doc}.html"
    problems = []

    visit = Visit(desktop, url)
    try:
        page = visit.page
        if visit.response is None or visit.response.status != 200:
            problems.append(
                f"HTTP status {visit.response and visit.response.status}"
            )
        _wait_for_mathjax(page)
        _load_all_images(page)
        _check_math(page, problems)
        _check_images(page, problems)
        _check_links(page, server, url, problems)
        text = page.evaluate("() => document.body.innerText")
        for match in MACHINE_PATH.finditer(text):
            problems.append(
                f"absolute machine path on the page: {text[max(0, match.start() - 40) : match.end() + 40]!r}"
            )
        for match in AUTHORING_SYNTAX.finditer(text):
            problems.append(
                f"authoring syntax shown to readers: {text[max(0, match.start() - 40) : match.end() + 40]!r}"
            )
        _screenshot(page, doc, DESKTOP["width"])
        _check_solutions(page, problems)
        # The same page on a phone: the theme's layout is driven by the viewport width (media queries),
        # so resizing shows the phone layout without loading the page a second time.
        page.set_viewport_size(PHONE)
        page.wait_for_timeout(300)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - window.innerWidth"
        )
        if overflow > 2:
            problems.append(
                f"on a {PHONE['width']} px phone the page scrolls sideways by {overflow} px"
            )
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
        results = page.evaluate(
            "() => [...document.querySelectorAll('#search-results ul.search li a')].map(a => a.href)"
        )
        problems = visit.problems + visit.remote
    finally:
        visit.close()
    assert results, "no search results for output_padding"
    for result in results:
        assert (SITE / urlsplit(result).path.lstrip("/")).exists(), (
            f"search result {result} does not exist"
        )
    assert not problems, problems


def test_mathjax_is_served_from_the_site():
    """MathJax 3 is a file of the built site, and every page points at it (no CDN)."""
    assert (SITE / "_static" / "mathjax" / "tex-chtml.js").is_file()
    assert (
        SITE / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2"
    ).is_dir()
    pages_with_mathjax = 0
    for doc in PAGES:
        text = (SITE / f"{doc}.html").read_text(encoding="utf-8")
        sources = re.findall(
            r'<script[^>]+src="([^"]*mathjax[^"]*)"', text, flags=re.I
        )
        pages_with_mathjax += bool(sources)
        assert all(
            not urlsplit(s).scheme and "_static/mathjax/" in s for s in sources
        ), f"{doc}: MathJax from {sources}"
    assert pages_with_mathjax, "no page loads MathJax"


# ---- Navigation -------------------------------------------------------------------------------------

NOTEBOOKS = [doc for doc in PAGES if doc.startswith("notebooks/")]
START, TARGET = (
    NOTEBOOKS[3],
    NOTEBOOKS[4],
)  # tap from one chapter to the next one through the menu


def _title_of(doc):
    """The page's title as the sidebar shows it (the <h1>, without the header link)."""
    text = (SITE / f"{doc}.html").read_text(encoding="utf-8")
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", text, flags=re.S).group(1)
    return (
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", h1)).replace("#", "").strip()
    )


@pytest.mark.parametrize(
    "viewport", [PHONE, TABLET, DESKTOP], ids=lambda v: f"{v['width']}px"
)
def test_menu_and_contents_buttons_open_their_drawers(
    viewport, server, browser
):
    """Tapping ☰ opens the chapter drawer (collapses the sidebar on a wide screen) and a chapter link in it
    navigates; the on-page contents button opens its drawer, whose section links scroll the page."""
    context = _context(browser, viewport)
    visit = Visit(context, server + f"{START}.html")
    try:
        page = visit.page
        menu = page.locator(".primary-toggle:visible")
        assert menu.count() == 1, f"{menu.count()} visible menu buttons"
        menu.click()
        page.wait_for_timeout(300)
        state = page.evaluate(
            """() => ({drawer: document.querySelector('#pst-primary-sidebar-modal').open,
                       collapsed: document.querySelector('#pst-primary-sidebar').classList.contains('pst-sidebar-hidden')})"""
        )
        if (
            viewport["width"] >= 992
        ):  # the theme's breakpoint: a sidebar, not a drawer
            assert state == {"drawer": False, "collapsed": True}, state
            menu.click()
            page.wait_for_timeout(300)
            links = page.locator("#pst-primary-sidebar a.reference.internal")
        else:
            assert state["drawer"], (
                "the menu button did not open the chapter drawer"
            )
            links = page.locator(
                "#pst-primary-sidebar-modal a.reference.internal"
            )
        link = links.filter(
            has_text=_title_of(TARGET).split(" ", 1)[1][:20]
        ).first
        assert link.is_visible(), (
            "no visible link to the next chapter after tapping the menu button"
        )
        link.click()
        page.wait_for_url(f"**/{TARGET}.html")

        contents = page.locator(".secondary-toggle:visible")
        if (
            viewport["width"] >= 1200
        ):  # the on-page contents are a visible sidebar, no button
            assert contents.count() == 0
            section_links = page.locator(".bd-sidebar-secondary nav a.nav-link")
        else:
            assert contents.count() == 1, (
                f"{contents.count()} visible contents buttons"
            )
            contents.click()
            page.wait_for_timeout(300)
            assert page.evaluate(
                "() => document.querySelector('#pst-secondary-sidebar-modal').open"
            ), "the contents button did not open its drawer"
            section_links = page.locator(
                "#pst-secondary-sidebar-modal a.nav-link"
            )
        assert section_links.count() >= 2
        target = section_links.nth(1)
        anchor = target.get_attribute("href")
        assert target.is_visible()
        target.click()
        page.wait_for_timeout(300)
        assert page.url.endswith(anchor), (
            f"{page.url} after tapping the contents link {anchor}"
        )
        problems = visit.problems + visit.remote
    finally:
        visit.close()
        context.close()
    assert not problems, problems


def test_theme_button_goes_straight_to_dark_and_back(server, desktop):
    visit = Visit(desktop, server + f"{START}.html")
    try:
        page = visit.page
        themes = []
        for _ in range(2):
            page.locator(".theme-switch-button:visible").first.click()
            themes.append(
                page.evaluate(
                    "() => [document.documentElement.dataset.mode, document.documentElement.dataset.theme]"
                )
            )
    finally:
        visit.close()
    assert themes == [["dark", "dark"], ["light", "light"]]


# ---- Layout, figures and math of every page, measured once per width -------------------------------

_MEASURE = """() => {
    const overflows = (el) => el.scrollWidth > el.clientWidth + 1;
    const cellTags = (el) => [...(el.closest('div.cell')?.classList || [])].filter(c => c.startsWith('tag_'));
    const code = [...document.querySelectorAll('article div.highlight pre')]
        .filter(pre => !pre.closest('div.cell_output'))
        .filter(overflows)
        .map(pre => ({text: pre.textContent.split('\\n').reduce((a, b) => b.length > a.length ? b : a, '').slice(0, 100),
                      scroll: pre.scrollWidth, box: pre.clientWidth}));
    const outputs = [...document.querySelectorAll('article div.cell_output pre, article div.cell_output .pst-scrollable-table-container, article div.cell_output table')]
        .filter(overflows)
        .map(el => ({text: el.textContent.trim().slice(0, 80), scroll: el.scrollWidth, box: el.clientWidth,
                     wide: cellTags(el).includes('tag_wide-output'),
                     cell: el.closest('div.cell') ? [...document.querySelectorAll('div.cell')].indexOf(el.closest('div.cell')) : -1}));
    const figures = [...document.querySelectorAll('article div.cell_output img')].map(img => ({
        src: img.getAttribute('src'), alt: img.getAttribute('alt') || '',
        number: img.closest('figure')?.querySelector('figcaption .caption-number')?.textContent.trim() || '',
        caption: img.closest('figure')?.querySelector('figcaption .caption-text')?.textContent.trim() || ''}));
    const animations = [...document.querySelectorAll('article div.cell_output .animation')]
        .map(a => ({scroll: a.scrollWidth, box: a.parentElement.clientWidth, img: a.querySelector('img')?.getBoundingClientRect().width || 0}))
        .filter(a => a.scroll > a.box + 1 || a.img > a.box + 1);
    const backslashes = [...document.querySelectorAll('mjx-container')]
        .filter(m => m.querySelector('mjx-c.mjx-c5C') || (m.querySelector('mjx-assistive-mml')?.textContent || '').includes('\\\\'))
        .map(m => (m.querySelector('mjx-assistive-mml')?.textContent || '').slice(0, 80));
    return {code, outputs, figures, animations, backslashes};
}"""


@pytest.fixture(scope="session")
def layouts(server, browser):
    """{(doc, width): measurements} for every page at 1280 and 390 px (one page load per page)."""
    results = {}
    context = _context(browser, DESKTOP)
    try:
        for doc in PAGES:
            visit = Visit(context, server + f"{doc}.html")
            try:
                page = visit.page
                _wait_for_mathjax(page)
                _load_all_images(page)
                page.wait_for_timeout(100)
                for viewport in (DESKTOP, PHONE):
                    page.set_viewport_size(viewport)
                    page.wait_for_timeout(200)
                    results[doc, viewport["width"]] = page.evaluate(_MEASURE)
            finally:
                visit.close()
    finally:
        context.close()
    return results


WIDTHS = [DESKTOP["width"], PHONE["width"]]


@pytest.mark.parametrize("width", WIDTHS, ids=lambda w: f"{w}px")
def test_code_blocks_fit_their_box(width, layouts):
    """No code cell or code block scrolls sideways (ruff format to pyproject's line length; wraps on phones)."""
    problems = [
        f"{doc}: {c['scroll']} px in a {c['box']} px box: {c['text']!r}"
        for (doc, w), m in layouts.items()
        if w == width
        for c in m["code"]
    ]
    assert not problems, (
        f"{len(problems)} code blocks wider than their box:\n  "
        + "\n  ".join(problems)
    )


@pytest.mark.parametrize("width", WIDTHS, ids=lambda w: f"{w}px")
def test_outputs_fit_their_box_but_a_few_tagged_wide_tables(width, layouts):
    """Outputs fit their box (error messages wrap, tconv.css); only cells tagged `wide-output` scroll, at most five."""
    untagged = [
        f"{doc}: {o['scroll']} px in a {o['box']} px box: {o['text']!r}"
        for (doc, w), m in layouts.items()
        if w == width
        for o in m["outputs"]
        if not o["wide"]
    ]
    wide_cells = {
        (doc, o["cell"])
        for (doc, w), m in layouts.items()
        for o in m["outputs"]
        if o["wide"]
    }
    assert not untagged, (
        f"{len(untagged)} outputs wider than their box:\n  "
        + "\n  ".join(untagged)
    )
    assert len(wide_cells) <= MAX_WIDE_OUTPUTS, (
        f"{len(wide_cells)} cells tagged wide-output: {sorted(wide_cells)}"
    )


HASHED_NAME = re.compile(r"^[0-9a-f]{16,}(\.\w+)?$")


def test_notebook_figures_have_alt_text_that_describes_them(layouts):
    """Every figure a notebook draws has alt text: a sentence, not the hashed file name (mystnb image.alt)."""
    problems = [
        f"{doc}: {f['src']} alt={f['alt']!r}"
        for (doc, w), m in layouts.items()
        if w == DESKTOP["width"]
        for f in m["figures"]
        if HASHED_NAME.match(f["alt"].strip()) or len(f["alt"].split()) < 4
    ]
    assert not problems, (
        f"{len(problems)} figures without a describing alt text:\n  "
        + "\n  ".join(problems)
    )


def test_notebook_figures_have_numbered_captions(layouts):
    """Every figure a notebook draws is a numbered figure with a caption (mystnb figure.caption and name)."""
    problems = [
        f"{doc}: {f['src']} number={f['number']!r} caption={f['caption'][:40]!r}"
        for (doc, w), m in layouts.items()
        if w == DESKTOP["width"]
        for f in m["figures"]
        if not f["number"] or not f["caption"]
    ]
    assert not problems, (
        f"{len(problems)} figures without a numbered caption:\n  "
        + "\n  ".join(problems)
    )


def test_animations_fit_a_phone(layouts):
    problems = [
        f"{doc}: {a}"
        for (doc, w), m in layouts.items()
        if w == PHONE["width"]
        for a in m["animations"]
    ]
    assert not problems, problems


def test_no_formula_shows_a_literal_backslash(layouts):
    """A rendered formula never shows a backslash: "output\\_padding" in \\text{} is output_padding (textmacros)."""
    problems = [
        f"{doc}: {text!r}"
        for (doc, w), m in layouts.items()
        if w == DESKTOP["width"]
        for text in m["backslashes"]
    ]
    assert not problems, (
        f"{len(problems)} formulas with a literal backslash:\n  "
        + "\n  ".join(problems)
    )


def test_wide_figures_scroll_inside_their_frame_on_a_phone(server, browser):
    """A figure more than twice as wide as tall is shown at twice the column width in a scrolling frame."""
    context = _context(browser, PHONE)
    found = []
    try:
        for doc in NOTEBOOKS:
            visit = Visit(context, server + f"{doc}.html")
            try:
                _load_all_images(visit.page)
                visit.page.wait_for_timeout(100)
                found += visit.page.evaluate(
                    """() => [...document.querySelectorAll('.tconv-wide-figure')].map(f => ({
                        scroll: f.scrollWidth, box: f.clientWidth,
                        hint: getComputedStyle(f.nextElementSibling).display !== 'none'}))"""
                )
            finally:
                visit.close()
            if found:
                break
    finally:
        context.close()
    assert found, "no wide figure framed on any chapter"
    assert all(f["scroll"] >= 1.9 * f["box"] and f["hint"] for f in found), (
        found
    )


# ---- Pages and files ----------------------------------------------------------------------------------


def test_chapter_09_results_are_a_table():
    """Markdown outputs are parsed as MyST (nb_render_markdown_format): the results table is a <table>."""
    doc = next(d for d in NOTEBOOKS if d.startswith("notebooks/09_"))
    text = (SITE / f"{doc}.html").read_text(encoding="utf-8")
    outputs = re.findall(
        r'<div class="cell_output docutils container">(.*?)</div>\s*</div>\s*</div>',
        text,
        flags=re.S,
    )
    assert any("<table" in o for o in outputs), (
        "no <table> in the outputs of chapter 09"
    )
    assert not re.search(r"\|\s*-{3,}\s*\|", text), (
        "a Markdown table left as raw | --- | text"
    )


def test_exercises_are_numbered_by_chapter():
    """Chapter 00's exercises are 0.1, 0.2, ... like chapter 01's 1.1, 1.2 (tconv_chapter_zero)."""
    for doc in NOTEBOOKS[:2]:
        chapter = int(Path(doc).name[:2])
        text = (SITE / f"{doc}.html").read_text(encoding="utf-8")
        numbers = re.findall(
            r"Exercise (\d+(?:\.\d+)*)", re.sub(r"<[^>]+>", "", text)
        )
        assert numbers, f"{doc}: no exercise"
        assert all(n.startswith(f"{chapter}.") for n in numbers), (
            f"{doc}: {sorted(set(numbers))}"
        )


def test_figures_are_numbered_from_one_in_each_chapter():
    """Every chapter's figure captions are N.1, N.2, ... in page order: chapter 00's do not go on
    counting from the introduction's chapter map (tconv_chapter_zero)."""
    for doc in NOTEBOOKS:
        chapter = int(Path(doc).name[:2])
        text = (SITE / f"{doc}.html").read_text(encoding="utf-8")
        numbers = re.findall(
            r'<span class="caption-number">Fig\. (\d+)\.(\d+)', text
        )
        expected = [(str(chapter), str(n)) for n in range(1, len(numbers) + 1)]
        assert numbers == expected, f"{doc}: {numbers}"


def test_search_summaries_show_formulas_without_latex(server, desktop):
    """Search result summaries are built from the pages' HTML: their math shows as text (tconv.js), not as \\(C^\\top\\)."""
    visit = Visit(desktop, server + "search.html?q=transpose+matrix")
    try:
        page = visit.page
        page.wait_for_selector(
            "#search-results ul.search li p.context", timeout=30_000
        )
        page.wait_for_timeout(
            1500
        )  # the summaries arrive one page fetch at a time
        summaries = page.evaluate(
            "() => [...document.querySelectorAll('#search-results ul.search li p.context')].map(p => p.textContent)"
        )
        problems = visit.problems + visit.remote
    finally:
        visit.close()
    assert len(summaries) >= 3, summaries
    latex = [s for s in summaries if "\\" in s]
    assert not latex, latex[:3]
    assert not problems, problems


def test_favicon_logo_and_social_card_metadata():
    """Every page links the favicon and the logo, and carries Open Graph tags whose image is a file of the site."""
    assert (SITE / "favicon.ico").is_file(), (
        "no /favicon.ico (browsers ask for it)"
    )
    for doc in PAGES:
        html = SITE / f"{doc}.html"
        text = html.read_text(encoding="utf-8")
        icon = re.search(r'<link rel="icon" href="([^"]+)"', text)
        assert icon and (html.parent / icon.group(1)).is_file(), (
            f"{doc}: favicon {icon and icon.group(1)}"
        )
        logo = re.search(r'<img src="([^"]+)" class="logo__image', text)
        assert logo and (html.parent / logo.group(1)).is_file(), f"{doc}: logo"
        tags = dict(
            re.findall(r'<meta property="(og:[a-z:]+)" content="([^"]*)"', text)
        )
        assert {
            "og:title",
            "og:description",
            "og:image",
            "og:url",
        } <= tags.keys(), f"{doc}: {sorted(tags)}"
        image = urlsplit(tags["og:image"]).path.partition("_static/")[2]
        assert (SITE / "_static" / image).is_file(), (
            f"{doc}: og:image {tags['og:image']} is not a file of the site"
        )


def test_404_page_works_from_the_site_root(server, desktop):
    assert (SITE / "404.html").is_file()
    visit = Visit(desktop, server + "404.html")
    try:
        page = visit.page
        text = page.evaluate(
            "() => document.querySelector('article').innerText"
        )
        home = page.evaluate(
            "() => [...document.querySelectorAll('article a')].map(a => a.href)"
        )
        _check_links(page, server, server + "404.html", visit.problems)
        problems = visit.problems + visit.remote
    finally:
        visit.close()
    assert "Page not found" in text
    assert any(urlsplit(h).path in ("/", "/index.html") for h in home), home
    assert not problems, problems


def test_licence_and_citation():
    """The licence page names both licences; CITATION.cff is valid YAML with the course's title."""
    citation = yaml.safe_load(
        (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    )
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert (
        citation["cff-version"] == "1.2.0"
        and citation["title"] == config["title"]
    )
    assert set(citation["license"]) == {"MIT", "CC-BY-4.0"}
    licence = re.sub(
        r"<[^>]+>",
        "",
        (SITE / "book" / "license.html").read_text(encoding="utf-8"),
    )
    assert "CC BY 4.0" in licence and "MIT" in licence
    assert (ROOT / "LICENSE-CONTENT").is_file()


# ---- Print and PDF --------------------------------------------------------------------------------


def _pdf_pages_and_text(path):
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    text = " ".join(p.extract_text() or "" for p in reader.pages)
    return len(reader.pages), unicodedata.normalize(
        "NFKC", text
    )  # NFKC: the "ﬁ" ligature reads "fi"


def test_cheatsheet_prints_on_two_pages_without_contents_or_cut_columns(
    server, browser, tmp_path
):
    """Chromium prints the cheat sheet on at most two A4 pages, no "Contents" list, every table inside the page."""
    pdf = tmp_path / "cheatsheet.pdf"
    make_pdf.print_page(
        browser,
        server + make_pdf.CHEATSHEET_PAGE,
        pdf,
        make_pdf.CHEATSHEET_MARGINS,
    )
    pages, text = _pdf_pages_and_text(pdf)
    assert pages <= 2, f"the cheat sheet prints on {pages} pages"
    assert "Contents" not in text
    context = _context(
        browser, {"width": 720, "height": 1000}
    )  # A4 minus the margins, at 96 dpi
    visit = Visit(context, server + make_pdf.CHEATSHEET_PAGE)
    try:
        visit.page.emulate_media(media="print")
        _wait_for_mathjax(visit.page)
        cut = visit.page.evaluate(
            """() => [...document.querySelectorAll('section#cheat-sheet table')]
                .filter(t => t.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
                .map(t => t.textContent.trim().slice(0, 60))"""
        )
    finally:
        visit.close()
        context.close()
    assert not cut, f"printed tables wider than the page: {cut}"
    assert (SITE / make_pdf.CHEATSHEET_PDF).is_file(), (
        "make pdf did not write the cheat sheet's PDF"
    )
    assert _pdf_pages_and_text(SITE / make_pdf.CHEATSHEET_PDF)[0] <= 2


def test_cheatsheet_tables_are_readable_on_a_phone(server, browser):
    """No table cell of the cheat sheet breaks a word: inline code stays on one line (no "p/a/d/d/i/n/g")."""
    context = _context(browser, PHONE)
    visit = Visit(context, server + make_pdf.CHEATSHEET_PAGE)
    try:
        broken = visit.page.evaluate(
            """() => [...document.querySelectorAll('section#cheat-sheet table code')]
                .filter(c => c.getClientRects().length > 1 || c.getBoundingClientRect().height > 2.2 * parseFloat(getComputedStyle(c).fontSize))
                .map(c => c.textContent)"""
        )
        overflow = visit.page.evaluate(
            "() => document.documentElement.scrollWidth - window.innerWidth"
        )
    finally:
        visit.close()
        context.close()
    assert not broken, (
        f"{len(broken)} table entries broken over lines: {broken[:8]}"
    )
    assert overflow <= 2


def test_course_pdf_has_every_chapter():
    """`make pdf` printed the whole course: every page of the toc has its title in the PDF, with figures and math."""
    pdf = SITE / make_pdf.COURSE_PDF
    assert pdf.is_file(), f"{pdf} missing: run make pdf"
    pages, text = _pdf_pages_and_text(pdf)
    flat = re.sub(r"\s+", " ", text)
    missing = [
        doc
        for doc in PAGES
        if re.sub(r"^\d+\.\s*", "", _title_of(doc)) not in flat
    ]
    assert not missing, f"chapters missing from the course PDF: {missing}"
    latex = re.findall(
        r".{30}\\(?:frac|top|lfloor|rfloor|mathrm|text)\b.{30}", flat
    )
    assert not latex, f"untypeset math in the course PDF: {latex[:3]}"
    assert pages >= 10 * len(NOTEBOOKS) and pdf.stat().st_size > 2e6, (
        pages,
        pdf.stat().st_size,
    )


def test_download_menu_links_the_pdfs():
    for doc in PAGES:
        text = (SITE / f"{doc}.html").read_text(encoding="utf-8")
        assert "btn-download-course-pdf-button" in text, (
            f"{doc}: no course PDF in the download menu"
        )
    cheatsheet = (SITE / make_pdf.CHEATSHEET_PAGE).read_text(encoding="utf-8")
    assert "btn-download-cheatsheet-pdf-button" in cheatsheet


def test_chapters_open_on_their_first_idea_not_on_set_up_code():
    """The set-up cell (imports, seeds) of every chapter is collapsed: its first code cell is tagged hide-input."""
    problems = []
    for doc in NOTEBOOKS:
        text = (SITE / f"{doc}.html").read_text(encoding="utf-8")
        # Sphinx writes the cell's tags between "cell" and "docutils container"
        first = re.search(
            r'<div class="(cell(?: [^"]*)? docutils container[^"]*)"', text
        )
        if first is None:
            problems.append(f"{doc}: no code cell found")
        elif "tag_hide-input" not in first.group(1).split():
            problems.append(
                f"{doc}: first code cell classes {first.group(1).split()}"
            )
    assert not problems, "\n  ".join(problems)
