"""Notebook hygiene: fast static checks of notebooks/*.ipynb and _toc.yml (nothing is executed).

Every notebook is in the table of contents and every toc entry exists; every code cell was executed, in
order; no error output except in cells tagged raises-exception; no absolute machine path and no
TensorFlow log line in any output; the python3 kernel; TensorFlow's two environment variables are set
before TensorFlow is first imported.
"""

from __future__ import annotations

import json
import re

import pytest
from book_toc import toc_files
from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
ABSOLUTE_PATH = re.compile(r"(?<![\w.~-])/(?:work|tmp|root|home)/")
# TensorFlow's C++ log lines ("I0000 00:00:1795314785.197607   10026 port.cc:153] oneDNN custom operations
# are on ...", cpu_feature_guard, absl), not prose that mentions oneDNN.
TF_LOG = re.compile(
    r"oneDNN custom operations|cpu_feature_guard|This TensorFlow binary is optimized|absl::InitializeLog"
    r"|^[IWEF]\d{4} [\d:.]+\s+\d+ [\w.]+:\d+\]",
    re.M,
)
TF_IMPORT = re.compile(
    r"^\s*(?:import\s+tensorflow\b|from\s+tensorflow\b|import\s+keras\b|from\s+keras\b)",
    re.M,
)
TF_ENV = ("TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS")


def source(cell) -> str:
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else text


def output_texts(cell):
    """Every text an output shows: streams, tracebacks, and text/* data (not images)."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            yield "".join(output.get("text", ""))
        elif output.get("output_type") == "error":
            yield "\n".join(output.get("traceback", [])) + output.get(
                "evalue", ""
            )
        for mime, data in output.get("data", {}).items():
            if mime.startswith("text/") or mime.endswith("json"):
                yield (
                    data
                    if isinstance(data, str)
                    else "".join(data)
                    if isinstance(data, list)
                    else json.dumps(data)
                )


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def code_cells(nb):
    return [cell for cell in nb["cells"] if cell["cell_type"] == "code"]


def ids(paths):
    return [p.name for p in paths]


def test_every_notebook_is_in_the_toc_and_every_toc_entry_exists():
    listed = toc_files()
    missing_files = [
        f
        for f in listed
        if not any((ROOT / f"{f}{ext}").exists() for ext in (".ipynb", ".md"))
    ]
    assert not missing_files, (
        f"_toc.yml lists files that do not exist: {missing_files}"
    )
    unlisted = [
        p.relative_to(ROOT).as_posix()
        for p in NOTEBOOKS
        if p.relative_to(ROOT).with_suffix("").as_posix() not in listed
    ]
    assert not unlisted, f"notebooks missing from _toc.yml: {unlisted}"
    assert len(set(listed)) == len(listed), "a file is listed twice in _toc.yml"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_code_cells_executed_in_order(path):
    counts = [cell.get("execution_count") for cell in code_cells(load(path))]
    not_run = [i for i, c in enumerate(counts) if c is None]
    assert not not_run, (
        f"code cells {not_run} (0-based among code cells) have no execution_count: execute the notebook"
    )
    assert counts == list(range(1, len(counts) + 1)), (
        f"execution counts are {counts}, not 1..{len(counts)}: re-run top to bottom"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_no_error_outputs_except_tagged(path):
    bad = []
    for i, cell in enumerate(code_cells(load(path))):
        tags = cell.get("metadata", {}).get("tags", [])
        errors = [
            o
            for o in cell.get("outputs", [])
            if o.get("output_type") == "error"
        ]
        if errors and "raises-exception" not in tags:
            bad.append(
                f"code cell {i}: {errors[0].get('ename')}: {errors[0].get('evalue')}"
            )
    assert not bad, (
        "error outputs in cells not tagged raises-exception:\n" + "\n".join(bad)
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_no_absolute_machine_paths(path):
    bad = []
    for i, cell in enumerate(load(path)["cells"]):
        for where, text in [("source", source(cell))] + [
            ("output", t) for t in output_texts(cell)
        ]:
            match = ABSOLUTE_PATH.search(text)
            if match:
                bad.append(
                    f"cell {i} {where}: ...{text[max(0, match.start() - 40) : match.end() + 40]!r}..."
                )
    assert not bad, "absolute machine paths:\n" + "\n".join(bad)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_kernelspec_is_python3(path):
    kernelspec = load(path).get("metadata", {}).get("kernelspec", {})
    assert kernelspec.get("name") == "python3", f"kernelspec is {kernelspec!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_tensorflow_environment_set_before_import(path):
    cells = code_cells(load(path))
    first_import = next(
        (i for i, c in enumerate(cells) if TF_IMPORT.search(source(c))), None
    )
    if first_import is None:
        return
    before = "".join(source(c) for c in cells[:first_import])
    in_cell = source(cells[first_import])
    prefix = in_cell[: TF_IMPORT.search(in_cell).start()]
    for name in TF_ENV:
        assert re.search(
            rf"os\.environ\[\s*['\"]{name}['\"]\s*\]\s*=|os\.environ\.setdefault\(\s*['\"]{name}['\"]",
            before + prefix,
        ), (
            f"{name} is not set before the first TensorFlow/Keras import (code cell {first_import})"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_no_tensorflow_log_lines_in_outputs(path):
    bad = []
    for i, cell in enumerate(code_cells(load(path))):
        for text in output_texts(cell):
            match = TF_LOG.search(text)
            if match:
                bad.append(
                    f"code cell {i}: {text[max(0, match.start() - 60) : match.end() + 60]!r}"
                )
    assert not bad, (
        "TensorFlow log lines in outputs (set TF_CPP_MIN_LOG_LEVEL=2 and TF_ENABLE_ONEDNN_OPTS=0):\n"
        + "\n".join(bad)
    )


def test_repository_url_is_one_setting():
    """_config.yml's repository.url, its buttons, the social-card address, CITATION.cff and every
    notebook's Colab cell agree (they are written together by `make repository URL=...`)."""
    import importlib.util

    path = ROOT / ".ci" / "set_repository.py"
    spec = importlib.util.spec_from_file_location("set_repository", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert not module.problems(), "\n".join(module.problems())
