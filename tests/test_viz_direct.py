"""The direct view and its animation draw the zero-inserted, padded input that gives the output.

Every number is read back from the figure's Text artists: the drawn input, cropped where the
figure marks it, convolved with the drawn rotated kernel must be tconv_lib.conv_transpose.
"""

from math import prod

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from test_viz_scatter import CASES, W3, K, X, expected_canvas
from viz_artists import (
    as_2d,
    cells,
    drawn_numbers,
    patches,
    position,
    stepped,
    tconv,
)

import tconv_lib as tl
from tconv_lib import viz
from tconv_lib.geometry import canvas_length


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def amounts(x, w, p, op, d):
    """Per drawing axis, the (before, after) zeros d(k-1)-p and d(k-1)-p+op (negative: crop)."""
    n = np.ndim(x)
    p, op, d = (np.broadcast_to(v, (n,)) for v in (p, op, d))
    edges = [
        (dd * (k - 1) - pp, dd * (k - 1) - pp + oo)
        for k, pp, oo, dd in zip(np.shape(w), p, op, d)
    ]
    return ([(0, 0)] + edges) if n == 1 else edges


def expected_extended(x, w, s, p, op, d):
    """insert_zeros, then the d(k-1)-p zeros of padding (nothing cropped: cropping is drawn)."""
    n = np.ndim(x)
    spread = as_2d(
        tl.insert_zeros(np.asarray(x, float), tuple(np.broadcast_to(s, (n,))))
    )
    pads = [(max(b, 0), max(a, 0)) for b, a in amounts(x, w, p, op, d)]
    return np.pad(spread, pads)


def drawn_cropped(fig):
    """The drawn extended input without the cells the figure marks as cropped (hatch xx)."""
    values = drawn_numbers(fig, "padded")
    kept = np.ones(values.shape, bool)
    for index, patch in cells(fig, "padded").items():
        kept[index] = patch.get_hatch() != "xx"
    rows, cols = np.nonzero(kept)
    return values[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]


@pytest.mark.parametrize("x, w, s, p, op, d", CASES)
def test_direct_output_cells_show_conv_transpose(x, w, s, p, op, d):
    y = as_2d(tconv(x, w, s, p, op, d))
    fig = viz.direct_figure(x, w, s, p, op, d, step=y.size - 1)
    np.testing.assert_array_equal(drawn_numbers(fig, "output"), y)


@pytest.mark.parametrize("x, w, s, p, op, d", CASES)
def test_direct_draws_the_zero_inserted_input_padded_by_d_k_minus_1_minus_p(
    x, w, s, p, op, d
):
    fig = viz.direct_figure(x, w, s, p, op, d)
    np.testing.assert_array_equal(
        drawn_numbers(fig, "padded"), expected_extended(x, w, s, p, op, d)
    )


@pytest.mark.parametrize("x, w, s, p, op, d", CASES)
def test_direct_drawn_input_convolved_with_drawn_rotated_kernel_is_the_output(
    x, w, s, p, op, d
):
    fig = viz.direct_figure(x, w, s, p, op, d)
    rotated = drawn_numbers(fig, "rot")
    flipped = tl.flip_weight(np.asarray(w, float)[None, None])[0, 0]
    np.testing.assert_array_equal(rotated, as_2d(flipped))
    padded = drawn_cropped(fig)
    dilation = (
        (1, d) if np.ndim(x) == 1 else d
    )  # a 1-D example is drawn as one row
    y = tl.conv(padded[None, None], rotated[None, None], dilation=dilation)[
        0, 0
    ]
    np.testing.assert_array_equal(y, as_2d(tconv(x, w, s, p, op, d)))


@pytest.mark.parametrize("x, w, s, p, op, d", CASES)
def test_direct_window_sums_to_the_highlighted_output(x, w, s, p, op, d):
    y = as_2d(tconv(x, w, s, p, op, d))
    for step in (0, y.size - 1):
        fig = viz.direct_figure(x, w, s, p, op, d, step=step)
        padded = drawn_numbers(fig, "padded")
        window = [position(f, fig, "padded") for f in patches(fig, "window")]
        assert len(window) == np.size(w)
        rotated = drawn_numbers(fig, "rot").ravel()
        total = sum(
            padded[cell] * weight for cell, weight in zip(window, rotated)
        )
        (frame,) = patches(fig, "output-step")
        row, col = position(frame, fig, "output")
        assert (row, col) == np.unravel_index(step, y.shape)
        assert total == y[row, col]
        name = f"y[{col}]" if np.ndim(x) == 1 else f"y[{row},{col}]"
        (equation,) = [
            t.get_text()
            for t in fig.axes[0].texts
            if t.get_text().startswith(name)
        ]
        value = f"{y[row, col]:g}"
        if equation.endswith("(the window covers only zeros)"):
            assert value == "0"
        else:
            assert equation.endswith(f"= {value}")


def test_direct_marks_inserted_zeros_padding_and_cropping():
    fig = viz.direct_figure(X, K, stride=2)
    spread = tl.insert_zeros(np.ones((2, 2)), (2, 2))  # 1 real, 0 inserted
    for (r, c), patch in cells(fig, "padded").items():
        inner = (r - 1, c - 1)  # d(k-1) - p = 1 zero of padding each side
        if not (0 <= inner[0] < 3 and 0 <= inner[1] < 3):
            assert patch.get_hatch() == "///"
        else:
            assert patch.get_hatch() == (None if spread[inner] else "...")
    fig = viz.direct_figure(
        [0, 1, 2, 3, 4], [1, 1, 1], padding=3
    )  # p > k-1: crop 1 a side
    hatches = [p.get_hatch() for _, p in sorted(cells(fig, "padded").items())]
    assert hatches == ["xx", None, None, None, "xx"]
    np.testing.assert_array_equal(drawn_numbers(fig, "output"), [[6]])


def test_direct_default_step_is_a_window_that_meets_the_most_inputs():
    fig = viz.direct_figure(X, K, stride=2)
    (frame,) = patches(fig, "output-step")
    # the first window on a non-zero input: y[0,2] reads x[0,1] = 1 (x[0,0] is 0)
    assert position(frame, fig, "output") == (0, 2)


def test_direct_animation_reveals_one_output_per_frame():
    anim = stepped(viz.direct_animation([1, 2, 3], [1, 1], stride=2, padding=1))
    y = as_2d(tconv([1, 2, 3], [1, 1], 2, 1, 0, 1))
    assert len(list(anim.new_frame_seq())) == y.size
    for frame in range(y.size):
        anim._func(frame)
        shown = drawn_numbers(anim._fig, "output")
        expected = np.where(np.arange(y.size) <= frame, y.ravel(), np.nan)
        np.testing.assert_array_equal(shown.ravel(), expected)


@pytest.mark.parametrize(
    "x, w, p, title",
    [
        (X, K, 0, "padded by k-1-p = 1"),
        (np.ones((4, 4)), np.ones((2, 2)), 2, "cropped by p-(k-1) = 1"),
        (
            np.ones((4, 4)),
            np.ones((2, 2)),
            (0, 2),
            "padded/cropped by k-1-p = (1, -1)",
        ),
    ],
)
def test_direct_title_says_how_much_the_input_is_padded_or_cropped(
    x, w, p, title
):
    fig = viz.direct_figure(x, w, padding=p)
    assert title in [t.get_text() for t in fig.axes[0].texts]


def test_direct_equation_of_a_long_window_is_cut_after_five_terms():
    fig = viz.direct_figure(
        np.arange(1.0, 10.0).reshape(3, 3), W3, padding=1, step=4
    )
    (equation,) = [
        t.get_text()
        for t in fig.axes[0].texts
        if t.get_text().startswith("y[1,1]")
    ]
    assert equation.count("·") == 5 and "+ … =" in equation
    assert equation.endswith(
        f"= {tconv(np.arange(1.0, 10.0).reshape(3, 3), W3, 1, 1)[1, 1]:g}"
    )


@st.composite
def examples(draw):
    """A small valid 1-D or 2-D example with integer values and every argument per axis."""
    n = draw(st.sampled_from([1, 2]))
    in_shape = tuple(draw(st.integers(1, 3)) for _ in range(n))
    k_shape = tuple(draw(st.integers(1, 3)) for _ in range(n))
    s = tuple(draw(st.integers(1, 3)) for _ in range(n))
    d = tuple(draw(st.integers(1, 2)) for _ in range(n))
    op = tuple(draw(st.integers(0, max(ss, dd) - 1)) for ss, dd in zip(s, d))
    p = tuple(draw(st.integers(0, 3)) for _ in range(n))
    full = [
        canvas_length(i, k, ss, dd) + oo
        for i, k, ss, dd, oo in zip(in_shape, k_shape, s, d, op)
    ]
    assume(all(f - 2 * pp >= 1 for f, pp in zip(full, p)))  # a non-empty output
    values = st.integers(-9, 9)
    size, k_size = prod(in_shape), prod(k_shape)
    x = draw(st.lists(values, min_size=size, max_size=size))
    w = draw(st.lists(values, min_size=k_size, max_size=k_size))
    return np.reshape(x, in_shape), np.reshape(w, k_shape), s, p, op, d


@settings(max_examples=25, deadline=None)
@given(examples())
def test_scatter_and_direct_numbers_match_the_library_on_random_examples(
    example,
):
    x, w, s, p, op, d = example
    y = as_2d(tconv(x, w, s, p, op, d))
    fig = viz.direct_figure(x, w, s, p, op, d)
    np.testing.assert_array_equal(drawn_numbers(fig, "output"), y)
    np.testing.assert_array_equal(
        drawn_numbers(fig, "padded"), expected_extended(x, w, s, p, op, d)
    )
    plt.close(fig)
    fig = viz.scatter_figure(x, w, s, p, op, d)
    output, canvas = drawn_numbers(fig, "output"), drawn_numbers(fig, "canvas")
    plt.close(fig)
    if np.isnan(output).all():
        # a wide scatter view leaves its numbers out when they would be too small to
        # read (board.value_size): then it leaves them out everywhere
        assert np.isnan(canvas).all()
        return
    np.testing.assert_array_equal(output, y)
    np.testing.assert_array_equal(canvas, expected_canvas(x, w, s, p, op, d))


@pytest.mark.parametrize(
    "x, w, s, d, title",
    [
        (X, K, 1, 1, "padded by k-1-p = 1"),
        (X, K, 2, 1, "zeros inserted,\npadded by k-1-p = 1"),
        (X, K, 1, 2, "padded by d(k-1)-p = 2"),
    ],
)
def test_direct_title_names_zeros_only_with_a_stride_and_d_only_with_dilation(
    x, w, s, d, title
):
    fig = viz.direct_figure(x, w, stride=s, dilation=d)
    drawn = [t.get_text() for t in fig.axes[0].texts]
    assert title in drawn
    assert not [t for t in drawn if "inserted" in t] or s > 1
    legend = (
        [t.get_text() for t in fig.legends[0].get_texts()]
        if fig.legends
        else []
    )
    legend += [
        t.get_text()
        for ax in fig.axes
        if ax.get_legend()
        for t in ax.get_legend().get_texts()
    ]
    assert f"padding {title.split('by ')[1]}" in legend


def test_direct_1d_label_says_zeros_inserted_only_with_a_stride():
    def labels(stride):
        fig = viz.direct_figure([1, 2, 3], [1, 1], stride=stride)
        return [
            t.get_text() for t in fig.axes[0].texts if "padded" in t.get_text()
        ]

    assert labels(1) == ["padded input"]
    assert labels(2) == ["zeros inserted,\npadded input"]
