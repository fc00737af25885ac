"""Book conventions of the course website that the themes and Jupyter Book do not offer as settings.

1. Chapter 00 numbers its exercises and figures "0.1, 0.2, ...". It stands in the unnumbered "Start
   here" part, so Sphinx numbers its items "1, 2, ..." while chapter 01's are "1.1, 1.2, ...". The
   documents listed in ``tconv_chapter_zero`` get the chapter number 0 in front of every figure, table,
   code-block and exercise number (references and titles both read ``env.toc_fignumbers``).
2. The download menu links the whole-course PDF (``make pdf`` writes it to the site's root as
   ``tconv_pdf``) and, on the cheat sheet, the cheat sheet's PDF (``tconv_cheatsheet_pdf``), instead of
   the theme's ".pdf" entry that only called ``window.print()``. Printing stays available as an entry.
3. ``book/_static/tconv.js`` (navigation, theme button, search summaries, wide figures) is added to
   every page.
4. Cells tagged ``hide-input`` render in the single-page build that ``make pdf`` prints: myst-nb gives
   its collapsible node a writer for the ``html`` builder only.
"""

from __future__ import annotations

PRINT_BUTTON = "download-pdf-button"


def _number_chapter_zero(app, env):
    changed = []
    for docname in app.config.tconv_chapter_zero:
        numbers = env.toc_fignumbers.get(docname)
        if not numbers:
            continue
        # Sphinx counts the unnumbered part's items on from the pages before (the introduction's
        # chapter map is figure 1): renumber this document's own items 0.1, 0.2, ... in page order.
        for ids in numbers.values():
            unnumbered = sorted(
                (number, key) for key, number in ids.items() if len(number) == 1
            )
            for rank, (_, key) in enumerate(unnumbered, start=1):
                ids[key] = (0, rank)
        changed.append(docname)
    return changed


def _pdf_entries(app, pagename, context):
    pathto = context["pathto"]
    entries = [
        {
            "type": "link",
            "url": pathto(app.config.tconv_pdf, 1),
            "text": "Course .pdf",
            "tooltip": "The whole course as one PDF",
            "icon": "fas fa-file-pdf",
            "label": "download-course-pdf-button",
        }
    ]
    if pagename == app.config.tconv_cheatsheet_page:
        entries.insert(
            0,
            {
                "type": "link",
                "url": pathto(app.config.tconv_cheatsheet_pdf, 1),
                "text": "Cheat sheet .pdf",
                "tooltip": "This page as a two-page PDF",
                "icon": "fas fa-file-pdf",
                "label": "download-cheatsheet-pdf-button",
            },
        )
    return entries


def _download_menu(app, pagename, templatename, context, doctree):
    for group in context.get("header_buttons", []):
        if group.get("label") != "download-buttons":
            continue
        buttons = group["buttons"]
        for i, button in enumerate(buttons):
            if button.get("label") == PRINT_BUTTON:
                button.update(
                    text="Print", tooltip="Print this page", icon="fas fa-print"
                )
                buttons[i:i] = _pdf_entries(app, pagename, context)
                break


def setup(app):
    app.add_config_value("tconv_chapter_zero", [], "env")
    app.add_config_value("tconv_pdf", "tconv-course.pdf", "html")
    app.add_config_value("tconv_cheatsheet_pdf", "cheatsheet.pdf", "html")
    app.add_config_value("tconv_cheatsheet_page", "book/cheatsheet", "html")
    app.connect("env-get-updated", _number_chapter_zero, priority=900)
    app.connect("html-page-context", _download_menu, priority=900)
    app.add_js_file("tconv.js")
    from myst_nb.sphinx_ import (
        HideCodeCellNode,
        depart_HideCellInput,
        visit_HideCellInput,
    )

    app.registry.add_translation_handlers(
        HideCodeCellNode,
        singlehtml=(visit_HideCellInput, depart_HideCellInput),
    )
    return {"parallel_read_safe": True, "parallel_write_safe": True}
