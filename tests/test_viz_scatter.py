"""The scatter view and its animation draw the library's stamps, canvas and output.

Every number is read back from the figure's Text artists and compared with
tconv_lib.conv_transpose; no pixel comparisons.
"""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from viz_artists import (
    as_2d,
    cells,
    drawn_numbers,
    grid_shape,
    patches,
    position,
    stepped,
    tconv,
    texts,
)

import tconv_lib as tl
from tconv_lib import viz
from tconv_lib.geometry import canvas_length

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
    (
        [[-67, -77], [-117, -127]],
        [[-1, 2, -3], [4, -5, 6], [-7, 8, -9]],
        2,
        0,
        0,
        1,
    ),
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


def per_axis(value, n):
    return tuple(np.broadcast_to(value, (n,)))


def canvas_shape(x, w, s, p, op, d):
    """The drawn canvas: every stamp, and output_padding where it reaches past them."""
    n = np.ndim(x)
    s, p, op, d = (per_axis(v, n) for v in (s, p, op, d))
    shape = tuple(
        canvas_length(i, k, ss, dd) + max(0, oo - pp)
        for i, k, ss, pp, oo, dd in zip(np.shape(x), np.shape(w), s, p, op, d)
    )
    return as_2d(np.zeros(shape)).shape


def expected_canvas(x, w, s, p, op, d, upto=None):
    """The uncropped conv_transpose of the first ``upto + 1`` input elements; blank where no stamp."""
    mask = (
        np.ones(np.shape(x))
        if upto is None
        else (np.arange(np.size(x)) <= upto)
    )
    mask = np.reshape(mask, np.shape(x)).astype(float)
    values = as_2d(tconv(mask * np.asarray(x, float), w, s, 0, op, d))
    counts = as_2d(tconv(mask, np.ones(np.shape(w)), s, 0, op, d))
    shape = canvas_shape(x, w, s, p, op, d)
    values, counts = (
        values[: shape[0], : shape[1]],
        counts[: shape[0], : shape[1]],
    )
    return np.where(counts > 0.5, values, np.nan)


@pytest.mark.parametrize("x, w, s, p, op, d", CASES)
def test_scatter_output_cells_show_conv_transpose(x, w, s, p, op, d):
    fig = viz.scatter_figure(x, w, s, p, op, d)
    y = as_2d(tconv(x, w, s, p, op, d))
    assert grid_shape(fig, "output") == y.shape
    np.testing.assert_array_equal(drawn_numbers(fig, "output"), y)


@pytest.mark.parametrize("x, w, s, p, op, d", CASES)
def test_scatter_canvas_numbers_are_the_uncropped_conv_transpose(
    x, w, s, p, op, d
):
    fig = viz.scatter_figure(x, w, s, p, op, d)
    assert grid_shape(fig, "canvas") == canvas_shape(x, w, s, p, op, d)
    np.testing.assert_array_equal(
        drawn_numbers(fig, "canvas"), expected_canvas(x, w, s, p, op, d)
    )


@pytest.mark.parametrize("x, w, s, p, op, d", CASES)
def test_scatter_each_stamp_shows_its_input_element_times_w(x, w, s, p, op, d):
    fig = viz.scatter_figure(x, w, s, p, op, d)
    assert len(patches(fig, "stamp")) == np.size(x)  # one frame per stamp
    x2 = as_2d(np.asarray(x, float))
    shape = canvas_shape(x, w, s, p, op, d)
    for i, cell in enumerate(np.ndindex(*x2.shape)):
        one_hot = np.zeros(x2.shape)
        one_hot[cell] = 1.0
        one_hot = one_hot.reshape(np.shape(x))
        values = as_2d(tconv(one_hot * np.asarray(x, float), w, s, 0, op, d))
        covered = as_2d(tconv(one_hot, np.ones(np.shape(w)), s, 0, op, d)) > 0.5
        expected = np.where(covered, values, np.nan)[: shape[0], : shape[1]]
        np.testing.assert_array_equal(drawn_numbers(fig, f"stamp{i}"), expected)


@pytest.mark.parametrize("x, w, s, p, op, d", CASES)
def test_scatter_kept_frame_crops_padding_and_holds_the_output(
    x, w, s, p, op, d
):
    fig = viz.scatter_figure(x, w, s, p, op, d)
    (frame,) = patches(fig, "kept-frame")
    row, column = position(frame, fig, "canvas")
    height, width = round(frame.get_height()), round(frame.get_width())
    y = as_2d(tconv(x, w, s, p, op, d))
    padding = as_2d(np.broadcast_to(p, (np.ndim(x),)))[0]
    assert (row, column) == (
        (0, padding[0]) if np.ndim(x) == 1 else tuple(padding)
    )
    assert (height, width) == y.shape
    inside = drawn_numbers(fig, "canvas")[
        row : row + height, column : column + width
    ]
    np.testing.assert_array_equal(
        np.nan_to_num(inside), y
    )  # blank: no stamp, 0
    # hatched exactly outside the frame
    for (r, c), patch in cells(fig, "canvas").items():
        kept = row <= r < row + height and column <= c < column + width
        assert (patch.get_hatch() == "x") == (not kept)


@pytest.mark.parametrize("x, w, s, p, op, d", CASES)
def test_scatter_canvas_shading_is_the_overlap_count(x, w, s, p, op, d):
    fig = viz.scatter_figure(x, w, s, p, op, d)
    counts = as_2d(tl.overlap_counts(np.shape(x), np.shape(w), s, 0, op, d))
    faces = {}
    for (r, c), patch in cells(fig, "canvas").items():
        if patch.get_hatch() != "x":  # cropped cells are faded
            face = tuple(np.round(patch.get_facecolor()[:3], 6))
            faces.setdefault(counts[r, c], set()).add(face)
    assert all(
        len(shades) == 1 for shades in faces.values()
    )  # one shade per count
    lightness = [sum(faces[k].pop()) for k in sorted(faces)]
    assert lightness == sorted(lightness, reverse=True)  # more stamps, darker


def test_scatter_marks_the_cells_output_padding_keeps():
    fig = viz.scatter_figure(
        [1, 2, 3], [1, 1, 1], stride=2, padding=1, output_padding=1
    )
    hatched = [
        c
        for (_, c), p in cells(fig, "canvas").items()
        if p.get_hatch() == "\\\\"
    ]
    assert hatched == [6]  # the last kept position, s(i-1)+d(k-1)+1-p = 6


def test_scatter_seed_000_by_hand():
    fig = viz.scatter_figure(X, K)
    canvas = [[0, 4, 7], [8, 28, 23], [4, 10, 6]]  # worked out in chapter 00
    np.testing.assert_array_equal(drawn_numbers(fig, "canvas"), canvas)
    labels = {t.get_text() for t in fig.axes[0].texts}
    assert {"x[0,1] = 1 · w", "x[1,1] = 3 · w"} <= labels
    fig = viz.scatter_figure(X, K, padding=1)
    np.testing.assert_array_equal(drawn_numbers(fig, "output"), [[28]])


@pytest.mark.parametrize("x, w, s, p, op, d", [CASES[0], CASES[4], CASES[7]])
def test_scatter_animation_frames_accumulate_the_stamps(x, w, s, p, op, d):
    anim = stepped(viz.scatter_animation(x, w, s, p, op, d))
    assert len(list(anim.new_frame_seq())) == np.size(x)
    fig = anim._fig
    for frame in range(np.size(x)):
        anim._func(frame)
        assert len(patches(fig, "stamp")) == frame + 1
        expected = expected_canvas(x, w, s, p, op, d, upto=frame)
        np.testing.assert_array_equal(drawn_numbers(fig, "canvas"), expected)
    y = as_2d(tconv(x, w, s, p, op, d))
    np.testing.assert_array_equal(drawn_numbers(fig, "output"), y)


def test_scatter_animation_shows_the_current_input_element():
    anim = stepped(viz.scatter_animation(X, K))
    anim._func(2)  # x[1,0]
    (frame,) = patches(anim._fig, "current-input")
    assert position(frame, anim._fig, "input") == (1, 0)
    assert not texts(anim._fig, "output-value:2,2")  # x[1,1] not stamped yet
