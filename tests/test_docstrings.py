"""Every public function has a numpydoc docstring with all its sections (np.convolve's model)."""

import inspect
import re

import pytest

import tconv_lib as tl
from tconv_lib.gemm import gemm_conv_transpose
from tconv_lib.geometry import canvas_length, tap_phase
from tconv_lib.memory import check_memory

PUBLIC = [
    getattr(tl, name) for name in tl.__all__ if callable(getattr(tl, name))
]
PUBLIC += [gemm_conv_transpose, check_memory, canvas_length, tap_phase]
SECTIONS = ["Parameters", "Returns", "Raises", "See Also", "Notes", "Examples"]
RAISES_NOTHING = {
    canvas_length,
    tap_phase,
    tl.count_multiply_adds,
}  # arithmetic on ints the caller checked; a counter with no argument


def section(doc, name):
    """The lines of one section, up to the next section header."""
    lines = doc.splitlines()
    start = lines.index(name) + 2  # skip the header and its underline
    end = next(
        (
            i
            for i in range(start, len(lines) - 1)
            if re.fullmatch(r"-{3,}", lines[i + 1])
        ),
        len(lines),
    )
    return lines[start:end]


@pytest.mark.parametrize("function", PUBLIC, ids=lambda f: f.__name__)
def test_public_function_has_every_numpydoc_section_in_order(function):
    doc = inspect.cleandoc(function.__doc__ or "")
    lines = doc.splitlines()
    present = [name for name in SECTIONS if name in lines]
    expected = [
        n
        for n in SECTIONS
        if (n != "Raises" or function not in RAISES_NOTHING)
        and (n != "Parameters" or inspect.signature(function).parameters)
        # a class documents its fields (numpydoc's Attributes), not a return
        and (n != "Returns" or not inspect.isclass(function))
    ]
    assert present == expected, f"{function.__name__}: sections {present}"
    if inspect.isclass(function):
        assert "Attributes" in lines, function.__name__
    if function is not check_memory:  # check_memory's example shows a refusal
        assert ">>>" in "\n".join(section(doc, "Examples"))
    assert ".. math::" in "\n".join(section(doc, "Notes"))


@pytest.mark.parametrize("function", PUBLIC, ids=lambda f: f.__name__)
def test_every_parameter_is_documented_with_one_line(function):
    doc = inspect.cleandoc(function.__doc__)
    if not inspect.signature(function).parameters:
        assert "Parameters" not in doc.splitlines(), function.__name__
        return
    entries = section(doc, "Parameters")
    names = [
        line.split(" : ")[0]
        for line in entries
        if line and not line.startswith(" ")
    ]
    assert names == list(inspect.signature(function).parameters), (
        function.__name__
    )
    for i, line in enumerate(entries):
        if line and not line.startswith(" "):
            described = entries[i + 1 : i + 3] + [""]
            assert described[0].startswith("    ") and not described[
                1
            ].startswith(" "), (
                f"{function.__name__}: {line!r} needs exactly one line of description"
            )


@pytest.mark.parametrize("function", PUBLIC, ids=lambda f: f.__name__)
def test_every_example_is_introduced_by_a_sentence(function):
    examples = section(inspect.cleandoc(function.__doc__), "Examples")
    for i, line in enumerate(examples):
        starts_block = line.startswith(">>>") and (
            i == 0 or not examples[i - 1].strip()
        )
        if starts_block:
            assert i >= 2 and examples[i - 2].strip(), (
                f"{function.__name__}: {line!r}"
            )


@pytest.mark.parametrize("function", PUBLIC, ids=lambda f: f.__name__)
def test_no_docstring_holds_a_tab(function):
    # In a docstring that is not raw, the \t of \text becomes a TAB followed by "ext".
    assert "\t" not in function.__doc__, function.__name__
