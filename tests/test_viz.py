"""The figures draw what the library computes (tconv_lib.viz, issue 4).

No pixel comparisons: every test reads the artists (cells, numbers, images) back from the
figure and compares them with tconv_lib's arithmetic.
"""
import doctest
import os
import subprocess
import sys
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import tconv_lib as tl  # noqa: E402
from tconv_lib import viz  # noqa: E402

X = [[0, 1], [2, 3]]  # seed 000
K = [[4, 7], [2, 2]]
W3 = np.arange(1, 10).reshape(3, 3)

# (x, w, stride, padding, output_padding, dilation): seeds, 1-D, strided, cropped, dilated
CASES = [
    (X, K, 1, 0, 0, 1),
    (X, K, 1, 1, 0, 1),
    (X, K, 4, 0, 0, 1),
    ([[1, 2], [3, 4]], W3, 1, 0, 0, 1),
    ([[1, 2], [3, 4]], np.ones((3, 3)), 2, 1, 1, 1),
    ([[-67, -77], [-117, -127]], [[-1, 2, -3], [4, -5, 6], [-7, 8, -9]], 2, 0, 0, 1),
    ([1, 2, 3, 4], [1, 2, 3], 2, 0, 0, 1),
    ([1, 2, 3], [1, 1, 1], 2, 1, 1, 1),
    ([0, 1, 2, 3, 4], [1, 1, 1], 1, 3, 0, 1),
    ([1, 2, 3], [1, 2, 3], 1, 0, 0, 2),
    ([1, 2], [1, 2, 3], 3, 2, 2, 1),
    ([[1, 2, 3], [4, 5, 6]], [[1, 0], [0, 1]], (2, 1), (0, 1), (1, 0), (1, 2)),
]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def tconv(x, w, s, p, op, d):
    return tl.conv_transpose(np.asarray(x, float)[None, None], np.asarray(w, float)[None, None], s, p, op, d)[0, 0]


def patches(fig, prefix, ax=0):
    """Patches whose gid is ``prefix`` or starts with ``prefix:``."""
    return [p for p in fig.axes[ax].patches if (p.get_gid() or "") == prefix or (p.get_gid() or "").startswith(prefix + ":")]


def grid_values(fig, prefix, ax=0):
    """The numbers written in cells whose gid is ``prefix-value:r,c`` (or ``prefix:...``), as an array."""
    cells = {}
    for t in fig.axes[ax].texts:
        gid = t.get_gid() or ""
        if gid.startswith(prefix + ":"):
            cells[tuple(int(v) for v in gid.split(":")[1].split(","))] = float(t.get_text())
    shape = tuple(max(k[i] for k in cells) + 1 for i in range(2))
    out = np.full(shape, np.nan)
    for k, v in cells.items():
        out[k] = v
    return out


def as_2d(a):
    a = np.asarray(a)
    return a[None] if a.ndim == 1 else a


def test_importing_tconv_lib_does_not_import_matplotlib_and_viz_not_ipywidgets():
    code = ("import sys, tconv_lib; assert 'matplotlib' not in sys.modules; "
            "import tconv_lib.viz; assert 'ipywidgets' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ, "MPLBACKEND": "Agg"})


def test_palette_has_every_role_and_distinct_colours():
    roles = {"input", "kernel", "output", "padding", "zero", "cropped", "highlight"}
    assert roles <= set(viz.COLORS)
    assert len({viz.COLORS[r] for r in roles}) == len(roles)


@pytest.mark.parametrize("x, w, s, p, op, d", CASES)
def test_scatter_figure_draws_one_stamp_per_input_element_and_the_library_output(x, w, s, p, op, d):
    fig = viz.scatter_figure(x, w, s, p, op, d)
    assert len(patches(fig, "stamp")) == np.size(x)  # frames of the drawn stamps
    y = tconv(x, w, s, p, op, d)
    size = tl.conv_transpose_output_size(np.shape(x), np.shape(w), s, p, op, d)
    assert y.shape == tuple(np.atleast_1d(size))
    assert len(patches(fig, "output-cell")) == y.size
    np.testing.assert_array_equal(grid_values(fig, "output-value"), as_2d(y))
    # the uncropped canvas: every stamp's footprint, and output_padding beyond it
    full = tconv(x, w, s, 0, op, d)
    canvas = grid_values(fig, "canvas-value")
    kept = canvas[~np.isnan(canvas)]
    assert kept.size > 0 and set(kept) <= set(full.ravel())


@pytest.mark.parametrize("x, w, s, p, op, d", CASES[:3] + CASES[6:8])
def test_scatter_canvas_shading_is_the_overlap_count(x, w, s, p, op, d):
    fig = viz.scatter_figure(x, w, s, p, op, d)
    counts = as_2d(tl.overlap_counts(np.shape(x), np.shape(w), s, 0, op, d))
    cells = {tuple(int(v) for v in c.get_gid().split(":")[1].split(",")): c for c in patches(fig, "canvas-cell")}
    faces = {}
    for (r, c), patch in cells.items():
        faces.setdefault(counts[r, c], set()).add(tuple(np.round(patch.get_facecolor()[:3], 3)))
    # cells with the same count share a shade only among kept cells; cropped ones are faded: compare darkness order
    lightness = {k: min(sum(f) for f in v) for k, v in faces.items()}
    ordered = [lightness[k] for k in sorted(lightness)]
    assert ordered == sorted(ordered, reverse=True)  # more stamps, darker


def test_scatter_seed_000_padding_1_gives_28_and_stride_4_a_6x6_output():
    fig = viz.scatter_figure(X, K, padding=1)
    np.testing.assert_array_equal(grid_values(fig, "output-value"), [[28]])
    fig = viz.scatter_figure(X, K, stride=4)
    assert grid_values(fig, "output-value").shape == (6, 6)


@pytest.mark.parametrize("x, w, s, p, op, d", CASES)
def test_direct_figure_window_padded_input_and_output_match_the_library(x, w, s, p, op, d):
    y = tconv(x, w, s, p, op, d)
    step = y.size - 1
    fig = viz.direct_figure(x, w, s, p, op, d, step=step)
    np.testing.assert_array_equal(grid_values(fig, "output-value"), as_2d(y))
    assert len(patches(fig, "window")) == np.size(w)
    # the padded (or cropped) array is drawn around the zero-inserted input
    n = np.ndim(x)
    st, pd, opd, dl = (np.broadcast_to(v, (n,)) for v in (s, p, op, d))
    spread = tl.insert_zeros(np.asarray(x, float), tuple(st))
    extended = [sz + max(dd * (k - 1) - pp, 0) + max(dd * (k - 1) - pp + oo, 0)
                for sz, k, pp, oo, dd in zip(spread.shape, np.shape(w), pd, opd, dl)]
    assert grid_values(fig, "padded-value").shape == as_2d(np.zeros(extended)).shape
    # the rotated kernel is tl.flip_weight's
    rot = tl.flip_weight(np.asarray(w, float)[None, None])[0, 0]
    np.testing.assert_array_equal(grid_values(fig, "rot-value"), as_2d(rot))


def test_direct_figure_marks_inserted_zeros_padding_and_cropping():
    fig = viz.direct_figure(X, K, stride=2)
    hatches = {p.get_hatch() for p in patches(fig, "padded-cell")}
    assert {"...", "///", None} <= hatches  # inserted zeros, padding, real inputs
    fig = viz.direct_figure([0, 1, 2, 3, 4], [1, 1, 1], padding=3)  # p = 3 > k - 1 = 2: crop 1 each side
    assert sum(p.get_hatch() == "xx" for p in patches(fig, "padded-cell")) == 2
    np.testing.assert_array_equal(grid_values(fig, "output-value"), [[6]])


@pytest.mark.parametrize(
    "w, in_shape, s, p, d",
    [(W3, (4, 4), 1, 0, 1), (W3, (5, 5), 2, 1, 1), ([1, 2, 3], 6, 2, 1, 1), (K, (3, 3), 1, 0, 1), ([1, -2], 7, 1, 0, 3)],
)
@pytest.mark.parametrize("transposed", [False, True])
def test_matrix_figure_heatmap_is_conv_matrix(w, in_shape, s, p, d, transposed):
    fig = viz.matrix_figure(w, in_shape, s, p, d, transposed=transposed)
    c = tl.conv_matrix(np.asarray(w, float)[None, None], in_shape, s, p, d)
    data = np.asarray(fig.axes[0].images[0].get_array())
    np.testing.assert_array_equal(data, c.T if transposed else c)
    written = grid_values(fig, "matrix-value")
    nz = np.argwhere(~np.isnan(written))
    for r, col in nz:
        assert written[r, col] == data[r, col] != 0
    blocks = [line for line in fig.axes[0].lines if line.get_gid() == "block-line"]
    if np.ndim(w) == 2:
        out = tl.conv_output_size(in_shape, np.shape(w), s, p, d)
        assert len(blocks) == (out[0] - 1) + (in_shape[0] - 1)
    else:
        assert not blocks


def test_matrix_figure_with_a_vector_shows_the_transposed_convolution():
    fig = viz.matrix_figure(K, (3, 3), transposed=True, x=X)
    out = [float(t.get_text()) for t in fig.axes[0].texts if (t.get_gid() or "").startswith("vector-out-value")]
    np.testing.assert_array_equal(out, tconv(X, K, 1, 0, 0, 1).ravel())


@pytest.mark.parametrize(
    "in_shape, k, s, p, op, d", [(4, 3, 2, 0, 0, 1), ((4, 4), 3, 2, 0, 0, 1), ((3, 5), (4, 3), 2, 1, 1, 1), (5, 2, 1, 0, 0, 2)]
)
def test_overlap_figure_shows_overlap_counts(in_shape, k, s, p, op, d):
    fig = viz.overlap_figure(in_shape, k, s, p, op, d)
    counts = tl.overlap_counts(in_shape, k, s, p, op, d)
    np.testing.assert_array_equal(np.asarray(fig.axes[0].images[0].get_array()), as_2d(counts))
    texts = [t for t in fig.axes[0].texts if (t.get_gid() or "").startswith("count")]
    assert [int(t.get_text()) for t in texts] == list(counts.ravel())
    if counts.ndim == 1:
        assert len(patches(fig, "bar")) == np.count_nonzero(counts)


@pytest.mark.parametrize("w, s", [(W3, 2), ([1, 2, 3], 2), (np.arange(16).reshape(4, 4), 2), ([1, 2, 3, 4, 5], 3),
                                  ([[1, 2], [3, 4]], 3)])
def test_subpixel_figure_draws_stride_n_rotated_sub_kernels(w, s):
    fig = viz.subpixel_figure(w, s)
    w = as_2d(np.asarray(w, float))
    n_dims = 1 if w.shape[0] == 1 else 2
    marks = [a for a in fig.axes[0].patches + fig.axes[0].texts if a.get_gid() == "subkernel"]
    assert len(marks) == s**n_dims
    phases = list(np.ndindex(*((1, s) if n_dims == 1 else (s, s))))
    for i, ph in enumerate(phases):
        sub = w[ph[0]:: (1 if n_dims == 1 else s), ph[1]:: s]
        if sub.size:
            np.testing.assert_array_equal(grid_values(fig, f"sub{i}-value"), np.flip(sub))


def test_subpixel_figure_with_an_input_shows_the_output():
    fig = viz.subpixel_figure(K, 2, x=X, padding=1)
    np.testing.assert_array_equal(grid_values(fig, "output-value"), tconv(X, K, 2, 1, 0, 1))


@pytest.mark.parametrize("x, w, s, p", [(X, K, 1, 0), (X, K, 2, 0), ([[1, 2], [3, 4]], W3, 2, 1), ([1, 2, 3], [1, 2, 3], 2, 0)])
def test_four_views_end_in_the_same_output(x, w, s, p):
    fig = viz.four_views_figure(x, w, s, p)
    assert len(fig.axes) == 5
    y = as_2d(tconv(x, w, s, p, 0, 1))
    np.testing.assert_array_equal(grid_values(fig, "output-value", ax=0), y)
    out = [float(t.get_text()) for t in fig.axes[1].texts if (t.get_gid() or "").startswith("vector-out-value")]
    np.testing.assert_array_equal(out, y.ravel())
    np.testing.assert_array_equal(grid_values(fig, "output-value", ax=2), y)
    np.testing.assert_array_equal(grid_values(fig, "output-value", ax=3), y)


def test_animations_have_one_frame_per_step_and_small_html():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # animations that are never rendered
        anim = viz.scatter_animation(X, K)
        assert len(list(anim.new_frame_seq())) == 4
        html = anim.to_jshtml()
        assert "<script" in html and len(html) < 2_000_000
        anim = viz.direct_animation(X, K, stride=2)
        assert len(list(anim.new_frame_seq())) == tconv(X, K, 2, 0, 0, 1).size
        anim = viz.scatter_animation([1, 2, 3], [1, 1], stride=2)
        assert len(list(anim.new_frame_seq())) == 3
        anim = viz.direct_animation([1, 2, 3], [1, 1], stride=2, padding=1)
        assert len(list(anim.new_frame_seq())) == tconv([1, 2, 3], [1, 1], 2, 1, 0, 1).size


def test_animation_frames_accumulate_to_the_output():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        anim = viz.scatter_animation(X, K)
        fig = anim._fig
        anim._func(3)  # the last frame: every stamp added
        np.testing.assert_array_equal(grid_values(fig, "output-value"), tconv(X, K, 1, 0, 0, 1))
        anim._func(0)  # only x[0,0] = 0 stamped so far
        assert len(patches(fig, "stamp")) == 1


def test_save_gif_writes_a_file(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        anim = viz.scatter_animation([1, 2], [1, 1])
    path = tmp_path / "scatter.gif"
    viz.save_gif(anim, str(path))
    assert path.read_bytes()[:3] == b"GIF"


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
@pytest.mark.parametrize("figure", ["scatter_figure", "direct_figure", "scatter_animation", "direct_animation"])
def test_invalid_arguments_raise_the_library_errors(figure, kwargs):
    expected = library_error(lambda: tl.conv_transpose(np.asarray(X, float)[None, None],
                                                       np.asarray(K, float)[None, None], **kwargs))
    with pytest.raises(expected[0]) as info:
        getattr(viz, figure)(X, K, **kwargs)
    assert str(info.value) == expected[1]


def test_invalid_arguments_of_matrix_overlap_and_subpixel_raise_the_library_errors():
    expected = library_error(lambda: tl.conv_matrix(np.asarray(W3, float)[None, None], (2, 2)))
    with pytest.raises(expected[0], match="too small"):
        viz.matrix_figure(W3, (2, 2))
    expected = library_error(lambda: tl.overlap_counts(4, 3, stride=2, output_padding=2))
    with pytest.raises(expected[0]) as info:
        viz.overlap_figure(4, 3, stride=2, output_padding=2)
    assert str(info.value) == expected[1]
    with pytest.raises(ValueError, match="stride"):
        viz.subpixel_figure(W3, 0)
    with pytest.raises(ValueError, match="step"):
        viz.direct_figure(X, K, step=9)
    with pytest.raises(TypeError, match="x must"):
        viz.scatter_figure([["a"]], K)


def test_three_dimensional_examples_are_refused_after_the_library_checks():
    with pytest.raises(ValueError, match="1-D and 2-D"):
        viz.scatter_figure(np.ones((2, 2, 2)), np.ones((2, 2, 2)))


def test_show_arrays_writes_every_number():
    fig = viz.show_arrays([X, K, [1.5, 2]], titles=["x", "w", "v"], roles=["input", "kernel", "output"])
    np.testing.assert_array_equal(grid_values(fig, "array0-value"), X)
    np.testing.assert_array_equal(grid_values(fig, "array2-value"), [[1.5, 2]])
    with pytest.raises(ValueError, match="role"):
        viz.show_arrays([X], roles=["nonsense"])


def test_explorer_prints_the_size_or_the_library_error(capsys):
    pytest.importorskip("ipywidgets")
    box = viz.explorer()
    sliders = {c.description: c for column in box.children[0].children for c in column.children}
    assert {"input size", "kernel size", "stride", "padding", "output_padding", "dilation"} <= set(sliders)
    capsys.readouterr()
    sliders["stride"].value = 1
    sliders["output_padding"].value = 2
    expected = library_error(lambda: tl.conv_transpose_output_size(3, 3, 1, 0, 2, 1))[1]
    assert expected in capsys.readouterr().out


def test_docstring_examples_run():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        result = doctest.testmod(viz, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 20
