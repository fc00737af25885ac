"""tconv_lib.viz as a package: its imports, show_arrays, its errors, its memory guard, the
explorer's rule sentences and its docstring examples."""

import doctest
import gc
import importlib
import inspect
import os
import pkgutil
import subprocess
import sys
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest
from test_viz_scatter import W3, K, X
from viz_artists import drawn_numbers, index_of, patches, tconv

import tconv_lib as tl
from tconv_lib import messages, viz

FIGURES = [
    "scatter_figure",
    "direct_figure",
    "scatter_animation",
    "direct_animation",
]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def viz_modules():
    return [
        importlib.import_module(f"tconv_lib.viz.{m.name}")
        for m in pkgutil.iter_modules(viz.__path__)
    ]


def test_importing_tconv_lib_does_not_import_matplotlib_nor_viz_ipywidgets():
    code = (
        "import sys, tconv_lib; assert 'matplotlib' not in sys.modules; "
        "import tconv_lib.viz; assert 'ipywidgets' not in sys.modules"
    )
    env = {**os.environ, "MPLBACKEND": "Agg"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


def test_public_names_are_importable_from_viz():
    for name in viz.__all__:
        assert getattr(viz, name) is not None
    assert set(viz.__all__) == {
        "COLORS", "show_arrays", "scatter_figure", "direct_figure", "matrix_figure",
        "groups_figure",
        "overlap_figure", "subpixel_figure", "four_views_figure", "scatter_animation",
        "direct_animation", "explorer", "save_gif",
    }  # fmt: skip


def test_every_viz_module_is_under_450_lines():
    for module in viz_modules():
        lines = inspect.getsource(module).count("\n")
        assert lines < 450, f"{module.__name__} has {lines} lines"


def test_palette_has_every_role_and_distinct_colours():
    roles = {
        "input",
        "kernel",
        "output",
        "padding",
        "zero",
        "cropped",
        "highlight",
    }
    assert roles <= set(viz.COLORS)
    assert len({viz.COLORS[r] for r in roles}) == len(roles)


def test_show_arrays_writes_every_number_and_its_shape():
    fig = viz.show_arrays([X, K, [1.5, 2]], titles=["x", "w", "v"])
    np.testing.assert_array_equal(drawn_numbers(fig, "array0"), X)
    np.testing.assert_array_equal(drawn_numbers(fig, "array1"), K)
    np.testing.assert_array_equal(drawn_numbers(fig, "array2"), [[1.5, 2]])
    labels = [t.get_text() for t in fig.axes[0].texts if not t.get_gid()]
    assert labels == ["x", "2×2", "w", "2×2", "v", "2"]
    fig = viz.show_arrays(np.arange(3.0))  # one array
    np.testing.assert_array_equal(drawn_numbers(fig, "array0"), [[0, 1, 2]])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (
            dict(arrays=[X], roles=["nonsense"]),
            "role 'nonsense' is not one of input",
        ),
        (
            dict(arrays=[X, K], roles=["input"]),
            "roles has 1 entries for 2 arrays",
        ),
        (
            dict(arrays=[X, K], titles=["x"]),
            "titles has 1 entries for 2 arrays",
        ),
        (
            dict(arrays=[np.ones((2, 2, 2))]),
            "arrays\\[0\\] has shape \\(2, 2, 2\\)",
        ),
    ],
)
def test_show_arrays_refuses_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        viz.show_arrays(**kwargs)


def library_error(call):
    with pytest.raises((ValueError, TypeError)) as info:
        call()
    return info.type, str(info.value)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(stride=0),
        dict(padding=-1),
        dict(output_padding=1),  # must be < max(stride, dilation)
        dict(padding=3),  # crops everything
        dict(dilation=0),
        dict(stride=1.5),
        dict(stride=(1, 2, 3)),
    ],
)
@pytest.mark.parametrize("figure", FIGURES)
def test_invalid_arguments_raise_the_library_errors(figure, kwargs):
    x, w = np.asarray(X, float)[None, None], np.asarray(K, float)[None, None]
    expected = library_error(lambda: tl.conv_transpose(x, w, **kwargs))
    with pytest.raises(expected[0]) as info:
        getattr(viz, figure)(X, K, **kwargs)
    assert str(info.value) == expected[1]


def test_invalid_arguments_of_matrix_overlap_and_subpixel_raise_the_library_errors():
    w = np.asarray(W3, float)[None, None]
    expected = library_error(lambda: tl.conv_matrix(w, (2, 2)))
    with pytest.raises(expected[0], match="too small"):
        viz.matrix_figure(W3, (2, 2))
    expected = library_error(
        lambda: tl.overlap_counts(4, 3, stride=2, output_padding=2)
    )
    with pytest.raises(expected[0]) as info:
        viz.overlap_figure(4, 3, stride=2, output_padding=2)
    assert str(info.value) == expected[1]
    expected = library_error(
        lambda: tl.conv_transpose(np.ones((1, 1, 3, 3)), w, 0)
    )
    with pytest.raises(expected[0]) as info:
        viz.subpixel_figure(W3, 0)
    assert str(info.value) == expected[1]
    with pytest.raises(TypeError, match="x must"):
        viz.scatter_figure([["a"]], K)


@pytest.mark.parametrize(
    "step, error", [(9, ValueError), (-1, ValueError), (1.0, TypeError)]
)
def test_direct_figure_refuses_a_step_outside_the_output(step, error):
    with pytest.raises(error, match="step"):
        viz.direct_figure(X, K, step=step)  # 9 outputs: steps 0..8


@pytest.mark.parametrize(
    "call",
    [
        lambda: viz.scatter_figure(np.ones((2, 2, 2)), np.ones((2, 2, 2))),
        lambda: viz.direct_figure(np.ones((2, 2, 2)), np.ones((2, 2, 2))),
        lambda: viz.subpixel_figure(np.ones((2, 2, 2)), 2),
        lambda: viz.matrix_figure(np.ones((2, 2, 2)), (3, 3, 3)),
        lambda: viz.overlap_figure((3, 3, 3), 2),
    ],
)
def test_three_dimensional_examples_are_refused_after_the_library_checks(call):
    with pytest.raises(ValueError, match="1-D and 2-D"):
        call()


@pytest.mark.parametrize(
    "call",
    [
        lambda: viz.scatter_figure(np.ones((60, 60)), np.ones((3, 3))),
        lambda: viz.direct_figure(
            np.ones((300, 300)), np.ones((3, 3)), stride=2
        ),
        lambda: viz.scatter_animation(np.ones((60, 60)), np.ones((3, 3))),
        lambda: viz.subpixel_figure(np.ones((3, 3)), 2, x=np.ones((400, 400))),
        lambda: viz.overlap_figure((400, 400), 3, stride=2),
        lambda: viz.matrix_figure(np.ones((3, 3)), (128, 128)),
        lambda: viz.show_arrays([np.ones((200, 200))]),
        lambda: viz.four_views_figure(np.ones((60, 60)), np.ones((3, 3))),
    ],
)
def test_figures_too_big_for_the_memory_budget_are_refused(call):
    with pytest.raises(ValueError, match="memory_budget"):
        call()


def test_the_memory_budget_is_a_keyword_that_allows_bigger_figures():
    with pytest.raises(ValueError, match=r"memory_budget=\d+ \(or more\)"):
        viz.scatter_figure(X, K, memory_budget=10_000)
    fig = viz.scatter_figure(X, K, memory_budget=10**8)
    np.testing.assert_array_equal(drawn_numbers(fig, "output"), tconv(X, K))


def test_explorer_prints_the_size_or_the_library_rule_sentence(capsys):
    pytest.importorskip("ipywidgets")
    box = viz.explorer()
    sliders = {
        c.description: c
        for col in box.children[0].children
        for c in col.children
    }
    names = {
        "input size",
        "kernel size",
        "stride",
        "padding",
        "output_padding",
        "dilation",
    }
    assert names <= set(sliders)
    assert (
        "= 7" in capsys.readouterr().out
    )  # 2·2 + 1·2 - 0 + 0 + 1 for the defaults
    box.children[0].children[0].children[0].value = "2-D"
    assert "(shape 7×7)" in capsys.readouterr().out
    sliders["stride"].value = 1
    sliders["output_padding"].value = 2
    sentence = messages.OUTPUT_PADDING_TOO_LARGE.format(
        output_padding=2, stride=1, dilation=1
    )
    last_line = capsys.readouterr().out.strip().splitlines()[-1]
    assert last_line == f"ValueError: {sentence}"
    sliders["output_padding"].value = 0
    sliders["stride"].value = 2
    sliders["padding"].value = 4  # 2·2 + 1·2 - 2·4 + 0 + 1 = -1
    sentence = messages.EMPTY_TRANSPOSE_OUTPUT.format(
        padding=4,
        in_size=(3, 3),
        kernel_size=(3, 3),
        stride=2,
        dilation=1,
        output_padding=0,
    )
    last_line = capsys.readouterr().out.strip().splitlines()[-1]
    assert last_line == f"ValueError: {sentence}"


def test_docstring_examples_run():
    attempted = 0
    with warnings.catch_warnings():
        warnings.simplefilter(
            "ignore", UserWarning
        )  # their animations are never drawn
        for module in viz_modules() + [viz]:
            result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
            assert result.failed == 0, module.__name__
            attempted += result.attempted
        gc.collect()
    assert attempted > 20


def test_save_gif_writes_a_gif(tmp_path):
    anim = viz.scatter_animation([1, 2], [1, 1])
    path = tmp_path / "scatter.gif"
    viz.save_gif(anim, path)
    assert path.read_bytes()[:6] == b"GIF89a"


def test_every_public_function_has_the_numpydoc_sections():
    for name in viz.__all__:
        function = getattr(viz, name)
        if not callable(function):
            continue
        doc = inspect.getdoc(function)
        for section in ("Returns", "Raises", "See Also", "Examples"):
            assert f"\n{section}\n---" in doc, (name, section)
        parameters = inspect.signature(function).parameters
        if parameters:
            assert "\nParameters\n---" in doc, name
            for parameter in parameters:
                assert (
                    f"\n{parameter} : " in doc or f"\n{parameter}, " in doc
                ), (name, parameter)


def test_show_arrays_hatches_the_cells_a_mask_marks_cropped():
    canvas = np.arange(49.0).reshape(7, 7)
    mask = np.zeros((7, 7), bool)
    mask[6, :] = mask[:, 6] = True
    fig = viz.show_arrays([canvas, canvas[:6, :6]], cropped=[mask, None])
    marked = {index_of(p.get_gid()) for p in patches(fig, "array0-cropped")}
    assert marked == {tuple(i) for i in np.argwhere(mask)}  # 13 cells
    assert all(p.get_hatch() == "xx" for p in patches(fig, "array0-cropped"))
    assert not patches(fig, "array1-cropped")
    with pytest.raises(ValueError, match=r"cropped\[0\]"):
        viz.show_arrays([canvas], cropped=[mask[:6]])
    with pytest.raises(ValueError, match="cropped has 1 entries"):
        viz.show_arrays([canvas, canvas], cropped=[mask])
