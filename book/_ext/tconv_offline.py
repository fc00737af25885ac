"""Keep the course website offline, and make exercise solutions open from anywhere on their title.

1. Jupyter Book always loads sphinx-thebe. Even with ``launch_buttons.thebe: false`` it adds an inline script
   that declares ``THEBE_JS_URL`` (a CDN address) to every page, twice (a console error: "Identifier
   'THEBE_JS_URL' has already been declared"), and ``sphinx-thebe.js``, which would fetch thebe from the CDN.
   The course does not use thebe (live code runs in Binder, Colab or locally): both are removed.
2. Matplotlib's ``Animation.to_jshtml()`` links Font Awesome 4 from a CDN for its player buttons. The theme
   already serves Font Awesome locally, so the link is removed from the page body.
3. ``book/_static/solutions.js`` (see there) and ``book/_static/tconv.css`` (the cheat sheet's compact
   and printed layout) are added to every page.

tests/test_website.py checks that no page requests anything but the local server.
"""

from __future__ import annotations

import re
from pathlib import Path

_CDN_STYLESHEET = re.compile(
    r"<link\b[^>]*href=\"https?://[^\"]*font-awesome[^\"]*\"[^>]*>",
    re.IGNORECASE,
)


def _is_thebe(asset) -> bool:
    filename = str(getattr(asset, "filename", "") or "")
    body = str(getattr(asset, "attributes", {}).get("body", "") or "")
    return "thebe" in filename or "THEBE_JS_URL" in body


def _clean_page(app, pagename, templatename, context, doctree):
    for key in ("script_files", "css_files"):
        if key in context:
            context[key][:] = [
                asset for asset in context[key] if not _is_thebe(asset)
            ]
    if "body" in context:
        context["body"] = _CDN_STYLESHEET.sub("", context["body"])


def _add_static(app, config):
    static = str(Path(__file__).resolve().parents[1] / "_static")
    if static not in config.html_static_path:
        config.html_static_path.append(static)


def setup(app):
    app.connect("config-inited", _add_static)
    app.add_js_file("solutions.js")
    app.add_css_file("tconv.css")
    app.connect("html-page-context", _clean_page, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
