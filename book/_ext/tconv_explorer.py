"""The ``tconv-explorer`` directive: the transposed-convolution explorer, live on the static website.

In a MyST page::

    ```{tconv-explorer}
    :x: [[0, 1], [2, 3]]
    :w: [[4, 7], [2, 2]]
    :padding: 1
    ```

writes the explorer's root element, ``<div data-tconv-explorer ...>``, opening on that example; its
JavaScript (``book/_static/explorer.js``) and styles (``explorer.css``) are added to the pages that use it.
Options: ``x`` and ``w`` (JSON: a list in 1-D, a list of rows in 2-D), ``stride``, ``padding``,
``output_padding``, ``dilation`` (an int, or ``rows,cols`` in 2-D) and ``view`` (``scatter`` or ``direct``).

The root also carries the rule sentences of :mod:`tconv_lib.messages` (``data-messages``), so the page
explains an invalid combination in the library's own words; the opening example itself is checked with
:func:`tconv_lib.conv_transpose_output_size` when the site is built.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive, directives

from tconv_lib import conv_transpose_output_size, messages

RULES = ("BELOW_MINIMUM", "OUTPUT_PADDING_TOO_LARGE", "EMPTY_TRANSPOSE_OUTPUT")
ARGUMENTS = ("stride", "padding", "output_padding", "dilation")
VIEWS = ("scatter", "direct")


def _array(text, option):
    """A 1-D list or a rectangular list of rows of numbers, from JSON."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f":{option}: {text!r} is not JSON: {error}") from None
    rows = value if value and isinstance(value[0], list) else [value]
    widths = {len(row) for row in rows}
    numeric = all(
        isinstance(v, (int, float)) and not isinstance(v, bool)
        for row in rows
        for v in row
    )
    if not value or len(widths) != 1 or 0 in widths or not numeric:
        raise ValueError(
            f":{option}: {text!r} must be a non-empty list of numbers, or of equal rows"
        )
    shape = (len(rows), len(rows[0])) if rows is value else (len(value),)
    return value, shape


def _argument(text, option, ndim):
    """An int, or in 2-D ``rows,cols``: returned as the library takes it (int or tuple)."""
    parts = [part.strip() for part in str(text).strip("() ").split(",")]
    if len(parts) not in ((1, 2) if ndim == 2 else (1,)) or not all(
        p.lstrip("-").isdigit() for p in parts
    ):
        raise ValueError(
            f":{option}: {text!r} must be an int"
            + (" or rows,cols" if ndim == 2 else "")
        )
    values = tuple(int(p) for p in parts)
    return values[0] if len(values) == 1 else values


class ExplorerDirective(Directive):
    has_content = False
    option_spec = {
        "x": directives.unchanged_required,
        "w": directives.unchanged_required,
        "stride": directives.unchanged,
        "padding": directives.unchanged,
        "output_padding": directives.unchanged,
        "dilation": directives.unchanged,
        "view": lambda text: directives.choice(text, VIEWS),
    }

    def run(self):
        try:
            x, x_shape = _array(self.options.get("x", "[1, 2, 3]"), "x")
            w, w_shape = _array(self.options.get("w", "[1, 2, 3]"), "w")
            if len(x_shape) != len(w_shape):
                raise ValueError(
                    f":x: is {len(x_shape)}-D but :w: is {len(w_shape)}-D"
                )
            ndim = len(x_shape)
            defaults = {
                "stride": "1",
                "padding": "0",
                "output_padding": "0",
                "dilation": "1",
            }
            args = {
                name: _argument(
                    self.options.get(name, defaults[name]), name, ndim
                )
                for name in ARGUMENTS
            }
            one = (
                (lambda shape: shape[0]) if ndim == 1 else (lambda shape: shape)
            )
            conv_transpose_output_size(
                one(x_shape), one(w_shape), **args
            )  # the library's checks
        except (ValueError, TypeError) as error:
            raise self.error(f"tconv-explorer: {error}") from None
        attributes = {
            "class": "tconv-explorer",
            "data-tconv-explorer": "",
            "data-x": json.dumps(x),
            "data-w": json.dumps(w),
            "data-stride": self.options.get("stride", "1").strip(),
            "data-padding": self.options.get("padding", "0").strip(),
            "data-output-padding": self.options.get(
                "output_padding", "0"
            ).strip(),
            "data-dilation": self.options.get("dilation", "1").strip(),
            "data-view": self.options.get("view", "scatter"),
            "data-messages": json.dumps(
                {name: getattr(messages, name) for name in RULES}
            ),
        }
        text = " ".join(
            f'{key}="{html.escape(value, quote=True)}"'
            for key, value in attributes.items()
        )
        body = (
            f"<div {text}><noscript><p>The explorer runs in the browser and needs JavaScript; the "
            f"figures on this page show the same example.</p></noscript></div>"
        )
        return [nodes.raw("", body, format="html")]


def _add_assets(app, pagename, templatename, context, doctree):
    # Only the pages that hold an explorer load its script and styles.
    if "data-tconv-explorer" in context.get("body", ""):
        app.add_css_file("explorer.css")
        app.add_js_file("explorer.js", loading_method="defer")


def _add_static(app, config):
    static = str(Path(__file__).resolve().parents[1] / "_static")
    if static not in config.html_static_path:
        config.html_static_path.append(static)


def setup(app):
    app.add_directive("tconv-explorer", ExplorerDirective)
    app.connect("config-inited", _add_static)
    app.connect("html-page-context", _add_assets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
