"""The website's explorer (book/_static/explorer.js) against tconv_lib, in headless Chromium.

The explorer is driven through its fixed interface (controls named ndim, in_size, kernel_size, stride,
padding, output_padding, dilation; the root's data-x/data-w; output cells with data-out/data-row/data-col/
data-value; [data-output-size]; [data-error]) with a few hundred random argument sets per page load, and every
output cell, the size and every error sentence is compared with tconv_lib.conv_transpose (float64) and
tconv_lib.conv_transpose_output_size. Also: the step control has one frame per stamp (scatter view) or per
window (direct view); the page works at 390 px and with the keyboard alone; no request leaves the site.

Needs a built site: TCONV_SITE_DIR (default <repo>/_build/html). Screenshots go to <site>/../screenshots.
"""

from __future__ import annotations

import json
import random
from urllib.parse import urlsplit

import numpy as np
import pytest
from conftest import SITE

import tconv_lib as tl

pytestmark = pytest.mark.website

SHOTS = SITE.parent / "screenshots"
PAGE = "book/explorer.html"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
NAMES = (
    "in_size",
    "kernel_size",
    "stride",
    "padding",
    "output_padding",
    "dilation",
)
MINIMUM = {
    "in_size": 1,
    "kernel_size": 1,
    "stride": 1,
    "padding": 0,
    "output_padding": 0,
    "dilation": 1,
}

# The chapters that embed the explorer, each opening on its own example (x, w, keyword arguments).
CHAPTERS = {
    "notebooks/00_first_look": ([[0, 1], [2, 3]], [[4, 7], [2, 2]], {}),
    "notebooks/02_transposed_convolution": (
        [[1, 2], [3, 1]],
        [[1, 0, 2], [0, 1, 0], [-1, 0, 1]],
        {},
    ),
    "notebooks/03_padding": (
        [[0, 1], [2, 3]],
        [[4, 7], [2, 2]],
        {"padding": "1"},
    ),
    "notebooks/04_stride": (
        [[0, 1], [2, 3]],
        [[1, 2, 3], [4, 5, 6], [7, 8, 9]],
        {"stride": "2", "padding": "1", "output_padding": "1"},
    ),
    "notebooks/05_channels_groups_dilation": (
        [[0, 1], [2, 3]],
        [[4, 7], [2, 2]],
        {"dilation": "2"},
    ),
}

# Set the controls like a reader would (value, then an input or change event) and read what the page shows,
# in the scatter view and in the direct view, for every argument set of one call.
DRIVE = """(cases) => {
    const root = document.querySelector('[data-tconv-explorer]');
    const control = (name) => root.querySelector(`[name="${name}"]`);
    const set = (name, value, type) => {
        const c = control(name);
        c.value = value;
        c.dispatchEvent(new Event(type, {bubbles: true}));
    };
    const view = (value) => {
        const radio = root.querySelector(`input[type=radio][value="${value}"]`);
        radio.checked = true;
        radio.dispatchEvent(new Event('change', {bubbles: true}));
    };
    const cells = () => [...root.querySelectorAll('[data-out]')].map(
        (c) => [+c.getAttribute('data-row'), +c.getAttribute('data-col'), c.getAttribute('data-value')]);
    const frames = () => +root.querySelector('[data-frame-count]').getAttribute('data-frame-count');
    return cases.map((args) => {
        set('ndim', String(args.ndim), 'change');
        for (const name of ['in_size', 'kernel_size', 'stride', 'padding', 'output_padding', 'dilation'])
            set(name, args[name], args.event);
        if (args.x !== undefined) set('x', args.x, 'change');
        view('scatter');
        const result = {
            error: root.querySelector('[data-error]').textContent,
            size: root.querySelector('[data-output-size]').textContent,
            x: root.getAttribute('data-x'), w: root.getAttribute('data-w'),
            scatter: cells(), scatterFrames: frames(),
        };
        view('direct');
        result.direct = cells();
        result.directFrames = frames();
        view('scatter');
        return result;
    });
}"""


@pytest.fixture(scope="module", autouse=True)
def explorer_page_was_built():
    if not (SITE / PAGE).exists():
        pytest.fail(
            f"{SITE / PAGE} does not exist: build the site first (make book), or set TCONV_SITE_DIR"
        )


class Visit:
    """One page in a fresh context; requests to any host but the local server are refused and recorded."""

    def __init__(self, browser, url, viewport=DESKTOP):
        self.remote, self.failed, self.errors = [], [], []
        self.context = browser.new_context(
            viewport=viewport, device_scale_factor=1, service_workers="block"
        )
        self.context.set_default_timeout(30_000)
        self.page = page = self.context.new_page()
        page.on(
            "pageerror", lambda exc: self.errors.append(f"{exc}\n{exc.stack}")
        )
        page.on("requestfailed", lambda req: self.failed.append(req.url))
        page.route("**/*", self._route)
        page.goto(url, wait_until="load")
        page.wait_for_selector("[data-tconv-explorer] [data-out]")

    def _route(self, route):
        url = route.request.url
        if (
            url.startswith(("data:", "blob:"))
            or urlsplit(url).hostname in LOCAL_HOSTS
        ):
            route.continue_()
        else:
            self.remote.append(url)
            route.abort()

    def explorer_errors(self):
        return [error for error in self.errors if "explorer" in error]

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser, server):
    opened = []

    def open_page(path=PAGE, viewport=DESKTOP):
        opened.append(Visit(browser, server + path, viewport))
        return opened[-1]

    yield open_page
    for v in opened:
        v.close()


def random_cases(count, seed):
    """Argument sets across every argument's range: valid ones, and ones that break each rule."""
    rng = random.Random(seed)
    ranges = {
        "in_size": (1, 6),
        "kernel_size": (1, 5),
        "stride": (1, 4),
        "padding": (0, 5),
        "output_padding": (0, 3),
        "dilation": (1, 3),
    }
    cases = []
    for n in range(count):
        ndim = 1 + n % 2
        case = {
            "ndim": ndim,
            "event": "input" if n % 3 else "change",
            "call": {},
        }
        for name, (low, high) in ranges.items():
            if ndim == 2 and name in ("in_size", "kernel_size"):
                high -= 1  # keeps the 2-D drawings small
            per_axis = ndim == 2 and rng.random() < 0.3
            values = [
                rng.randint(low, high) for _ in range(2 if per_axis else 1)
            ]
            if rng.random() < 0.04:  # below the minimum
                values[rng.randrange(len(values))] = MINIMUM[
                    name
                ] - rng.randint(1, 2)
            text, call = (
                (f"{values[0]},{values[1]}", tuple(values))
                if per_axis
                else (str(values[0]), values[0])
            )
            case[name], case["call"][name] = text, call
        cases.append(case)
    return cases


def expected_error(call):
    """The library's sentence for these arguments, or "" when it accepts them."""
    try:
        tl.conv_transpose_output_size(*(call[name] for name in NAMES))
    except ValueError as error:
        return str(error)
    return ""


def as_array(cells):
    rows = 1 + max(r for r, _, _ in cells)
    cols = 1 + max(c for _, c, _ in cells)
    out = np.full((rows, cols), np.nan)
    for r, c, v in cells:
        out[r, c] = float(v)
    return out


def check_case(case, got):
    """Every disagreement between the page and tconv_lib for one argument set."""
    call, ndim = case["call"], case["ndim"]
    label = f"{ndim}-D " + ", ".join(f"{name}={case[name]}" for name in NAMES)
    error = expected_error(call)
    if error:
        if got["error"] != error:
            return [
                f"{label}: the page says {got['error']!r}, the library {error!r}"
            ]
        if got["size"] or got["scatter"] or got["direct"]:
            return [
                f"{label}: invalid, yet the page shows a size {got['size']!r} or output cells"
            ]
        return []
    if got["error"]:
        return [
            f"{label}: the library accepts it, the page says {got['error']!r}"
        ]
    x, w = (
        np.array(json.loads(got["x"]), float),
        np.array(json.loads(got["w"]), float),
    )
    y = tl.conv_transpose(
        x[None, None], w[None, None], *(call[name] for name in NAMES[2:])
    )[0, 0]
    if ndim == 1:
        y = y[None]
    problems = []
    if x.ndim != ndim or w.ndim != ndim:
        problems.append(
            f"{label}: data-x {got['x']} / data-w {got['w']} are not {ndim}-D"
        )
    size = str(y.shape[1]) if ndim == 1 else f"{y.shape[0]}×{y.shape[1]}"
    if got["size"] != size:
        problems.append(
            f"{label}: size {got['size']!r}, the library's output is {size}"
        )
    for view in ("scatter", "direct"):
        if not got[view] or not np.array_equal(as_array(got[view]), y):
            problems.append(
                f"{label}: the {view} view's cells differ from tl.conv_transpose = {y.tolist()}"
            )
    if got["scatterFrames"] != x.size:
        problems.append(
            f"{label}: {got['scatterFrames']} scatter frames for {x.size} stamps"
        )
    if got["directFrames"] != y.size:
        problems.append(
            f"{label}: {got['directFrames']} direct frames for {y.size} windows"
        )
    return problems


def test_random_arguments_match_tconv_lib_cell_by_cell(visit):
    v = visit()
    cases = random_cases(400, seed=17)
    results = v.page.evaluate(DRIVE, cases)
    problems = [
        p for case, got in zip(cases, results) for p in check_case(case, got)
    ]
    valid = sum(1 for case in cases if not expected_error(case["call"]))
    rules = {
        expected_error(case["call"]).split(" ")[0].split("=")[0]
        for case in cases
    } - {""}
    assert not problems, (
        f"{len(problems)} of {len(cases)} cases disagree:\n"
        + "\n".join(problems[:20])
    )
    # the sweep covers valid sets in both dimensions and every rule's refusal
    assert 150 < valid < len(cases)
    assert rules >= set(NAMES), f"no refusal for {set(NAMES) - rules}"
    assert any(
        "smaller than either stride" in expected_error(c["call"]) for c in cases
    )
    assert any("crops more than" in expected_error(c["call"]) for c in cases)
    assert not v.explorer_errors() and not v.remote


def test_typed_values_are_used_and_match_the_library(visit):
    v = visit()
    typed = [
        {
            "ndim": 2,
            "event": "change",
            "in_size": "2",
            "kernel_size": "2",
            "stride": "1",
            "padding": "1",
            "output_padding": "0",
            "dilation": "1",
            "x": "0 1; 2 3",
        },
        {
            "ndim": 1,
            "event": "input",
            "in_size": "3",
            "kernel_size": "3",
            "stride": "2",
            "padding": "1",
            "output_padding": "1",
            "dilation": "1",
            "x": "0.5 -1.25 2 4",
        },
        {
            "ndim": 2,
            "event": "input",
            "in_size": "2,3",
            "kernel_size": "3,2",
            "stride": "2,1",
            "padding": "0,1",
            "output_padding": "1,0",
            "dilation": "1,2",
            "x": "1 -2 3; 0.25 5 -6",
        },
    ]
    for case in typed:
        case["call"] = {}
    results = v.page.evaluate(DRIVE, typed)
    # the typed input sets the input size
    assert json.loads(results[1]["x"]) == [0.5, -1.25, 2, 4]
    assert json.loads(results[2]["x"]) == [[1, -2, 3], [0.25, 5, -6]]
    first = results[0]
    # x = 0 1; 2 3 and w = 1 2; 3 4 (refilled for the new size): the centre 0·4 + 1·3 + 2·2 + 3·1
    assert first["size"] == "1×1" and as_array(first["scatter"]).tolist() == [
        [10.0]
    ]
    for case, got in zip(typed, results):
        x = np.array(json.loads(got["x"]), float)
        ndim = case["ndim"]
        case["in_size"] = (
            ",".join(map(str, x.shape)) if ndim == 2 else str(x.size)
        )
        for name in NAMES:
            text = case[name]
            case["call"][name] = (
                tuple(int(t) for t in text.split(","))
                if "," in text
                else int(text)
            )
        assert check_case(case, got) == []


def test_the_pages_opening_example_is_the_explorer_notebooks_start(visit):
    v = visit()
    root = v.page.locator("[data-tconv-explorer]")
    assert json.loads(root.get_attribute("data-x")) == [1, 2, 3]
    assert v.page.locator("[data-output-size]").text_content() == "7"
    values = [
        float(c.get_attribute("data-value"))
        for c in v.page.locator("[data-out]").all()
    ]
    assert (
        values
        == tl.conv_transpose(
            [[[1.0, 2.0, 3.0]]], [[[1.0, 2.0, 3.0]]], stride=2
        )[0, 0].tolist()
    )
    assert v.page.locator("[data-error]").text_content() == ""


def test_step_control_walks_every_stamp_and_window_with_running_sums(visit):
    v = visit()
    page = v.page
    step_text = page.locator("[data-frame-count]")
    for view, frames in (("scatter", 3), ("direct", 7)):
        page.locator(f"input[type=radio][value={view}]").check()
        assert int(step_text.get_attribute("data-frame-count")) == frames
        while (
            page.locator(".tx-step-prev").get_attribute("aria-disabled")
            == "false"
        ):
            page.locator(".tx-step-prev").click()
        seen = [step_text.get_attribute("data-frame")]
        sums = []
        while (
            page.locator(".tx-step-next").get_attribute("aria-disabled")
            == "false"
        ):
            page.locator(".tx-step-next").click()
            seen.append(step_text.get_attribute("data-frame"))
            sums.append(
                [
                    c.get_attribute("data-value")
                    for c in page.locator("[data-out]").all()
                ]
            )
        assert seen == [str(n) for n in range(1, frames + 1)]
        if (
            view == "scatter"
        ):  # running sums of the stamps 1·w at 0, 2·w at 2, 3·w at 4
            assert sums == [
                ["1", "2", "5", "4", "6", "0", "0"],
                ["1", "2", "5", "4", "9", "6", "9"],
            ]
        else:  # one more window computed per frame
            assert [sum(v != "" for v in row) for row in sums] == list(
                range(2, frames + 1)
            )
    page.locator(".tx-step-prev").click()
    page.locator(".tx-step-play").click()
    page.wait_for_function(
        "() => document.querySelector('.tx-step-play').getAttribute('aria-pressed') === 'false'",
        timeout=20_000,
    )
    assert step_text.get_attribute("data-frame") == "7"


def test_invalid_combination_shows_the_library_rule_instead_of_a_drawing(visit):
    v = visit()
    page = v.page
    page.locator("[name=output_padding]").fill("2")
    message = page.locator("[data-error]").text_content()
    with pytest.raises(ValueError) as error:
        tl.conv_transpose(
            np.ones((1, 1, 3)), np.ones((1, 1, 3)), stride=2, output_padding=2
        )
    assert message == str(error.value)
    assert (
        page.locator("[data-out]").count() == 0
        and not page.locator(".tx-drawing").is_visible()
    )
    assert page.locator("[data-output-size]").text_content() == ""
    page.locator("[name=output_padding]").fill("1")
    assert page.locator("[data-error]").text_content() == ""
    assert page.locator("[data-output-size]").text_content() == "8"


def test_keyboard_alone_reaches_every_control_in_order_and_drives_it(visit):
    v = visit()
    page = v.page
    names = []
    for _ in range(200):  # Tab from the top of the page into the explorer
        page.keyboard.press("Tab")
        name = page.evaluate(
            "() => document.activeElement.closest('[data-tconv-explorer]') ? "
            "(document.activeElement.name || document.activeElement.className) : null"
        )
        if name is not None:
            names.append(name)
            if len(names) == 14:
                break
    assert names[:9] == ["ndim", *NAMES, "x", "w"]
    assert names[9].endswith("-view")
    assert names[10:] == [
        "tx-step-prev",
        "tx-step-play",
        "tx-step-next",
        "tx-figure",
    ]
    # every control has a visible label
    unlabeled = page.evaluate("""() => [...document.querySelectorAll('[data-tconv-explorer] input, [data-tconv-explorer] select')]
        .filter(c => !(c.labels && c.labels.length && c.labels[0].textContent.trim())).map(c => c.name)""")
    assert unlabeled == []
    assert page.locator("[data-tconv-explorer] [aria-live]").count() >= 2
    # arrow keys change a number, the result follows; typing an impossible value shows the rule
    page.locator("[name=stride]").focus()
    page.keyboard.press("ArrowUp")
    assert page.locator("[name=stride]").input_value() == "3"
    assert (
        page.locator("[data-output-size]").text_content() == "9"
    )  # 3·2 + 2 + 1
    page.keyboard.press("Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type("9")
    assert (
        page.locator("[data-error]")
        .text_content()
        .startswith("padding=9 crops more than")
    )
    page.keyboard.press("Backspace")
    page.keyboard.type("0")
    assert page.locator("[data-error]").text_content() == ""
    # Tab on to the step buttons; they answer Enter and Space and keep the focus
    for _ in range(6):  # output_padding, dilation, x, w, the view, previous
        page.keyboard.press("Tab")
    frame = page.locator("[data-frame-count]")
    page.keyboard.press("Enter")
    page.keyboard.press(" ")
    page.keyboard.press("Enter")  # already at the first stamp: nothing happens
    assert frame.get_attribute("data-frame") == "1"
    focused = "() => document.activeElement.className"
    assert page.evaluate(focused) == "tx-step-prev"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert frame.get_attribute("data-frame") == "2"
    # the arrow keys switch the view (a radio group)
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("ArrowRight")
    assert (
        frame.get_attribute("data-frame-count") == "9"
    )  # one window per output cell
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("[data-tconv-explorer]").screenshot(
        path=str(SHOTS / "explorer-keyboard-1280.png")
    )


def test_phone_width_no_sideways_scroll_and_every_control_on_screen(visit):
    v = visit(viewport=PHONE)
    page = v.page
    SHOTS.mkdir(parents=True, exist_ok=True)
    big = {
        "ndim": 2,
        "event": "input",
        "in_size": "5",
        "kernel_size": "4",
        "stride": "4",
        "padding": "0",
        "output_padding": "3",
        "dilation": "1",
        "call": {},
    }
    for label, case in (("opening", None), ("2d-large", big)):
        if case:
            page.evaluate(DRIVE, [case])
            page.locator("input[type=radio][value=direct]").check()
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - window.innerWidth"
        )
        assert overflow <= 0, (
            f"{label}: the page scrolls sideways by {overflow} px at 390 px"
        )
        controls = page.locator(
            "[data-tconv-explorer] input, [data-tconv-explorer] select, "
            "[data-tconv-explorer] button"
        )
        for n in range(controls.count()):
            control = controls.nth(n)
            control.scroll_into_view_if_needed()
            box = control.bounding_box()
            assert (
                box
                and box["x"] >= 0
                and box["x"] + box["width"] <= PHONE["width"]
            ), (label, n, box)
        page.locator("[data-tconv-explorer]").screenshot(
            path=str(SHOTS / f"explorer-{label}-390.png")
        )
    # a drawing wider than the phone scrolls inside its own box
    figure = page.locator(".tx-figure")
    assert (
        figure.evaluate("f => f.scrollWidth > f.clientWidth")
        and figure.get_attribute("tabindex") == "0"
    )
    assert not v.explorer_errors() and not v.remote and not v.failed


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_both_themes_draw_readable_cells(visit, theme):
    v = visit()
    page = v.page
    page.evaluate(
        f"() => {{ document.documentElement.dataset.theme = '{theme}'; }}"
    )
    colours = page.evaluate("""() => {
        const cell = document.querySelector('[data-out]');
        const style = (sel) => getComputedStyle(cell.querySelector(sel));
        return [style('.tx-bg').fill, style('text').fill];
    }""")

    def luminance(css):
        r, g, b = (
            int(v) / 255
            for v in css[css.index("(") + 1 : css.index(")")].split(",")[:3]
        )
        lin = [
            c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
            for c in (r, g, b)
        ]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    dark, light = sorted((luminance(colours[0]), luminance(colours[1])))
    assert (light + 0.05) / (dark + 0.05) >= 4.5, (
        colours
    )  # WCAG AA for the cell values
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("[data-tconv-explorer]").screenshot(
        path=str(SHOTS / f"explorer-{theme}-1280.png")
    )


@pytest.mark.parametrize("doc", sorted(CHAPTERS))
def test_chapter_opens_the_explorer_on_its_example(visit, doc):
    x, w, arguments = CHAPTERS[doc]
    v = visit(f"{doc}.html")
    root = v.page.locator("[data-tconv-explorer]").first
    assert (
        json.loads(root.get_attribute("data-x")) == x
        and json.loads(root.get_attribute("data-w")) == w
    )
    call = {name: int(arguments.get(name, MINIMUM[name])) for name in NAMES[2:]}
    y = tl.conv_transpose(
        np.array(x, float)[None, None], np.array(w, float)[None, None], **call
    )[0, 0]
    cells = [
        (
            int(c.get_attribute("data-row")),
            int(c.get_attribute("data-col")),
            c.get_attribute("data-value"),
        )
        for c in root.locator("[data-out]").all()
    ]
    np.testing.assert_array_equal(as_array(cells), y)
    assert not v.explorer_errors() and not v.remote
