"""The matrix view draws tconv_lib.conv_matrix and its product; the overlap map draws the counts.

Numbers are read back from the figure's image and Text artists.
"""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from test_viz_scatter import W3, K, X
from viz_artists import as_2d, patches, tconv, texts

import tconv_lib as tl
from tconv_lib import viz


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def column(fig, grid):
    """The numbers of a one-column grid (the vectors of the matrix view), top to bottom."""
    found = {int(t.get_gid().split(":")[1].split(",")[0]): float(t.get_text())
             for t in texts(fig, f"{grid}-value")}  # fmt: skip
    return np.array([found[i] for i in range(len(found))])


MATRIX_CASES = [
    (W3, (4, 4), 1, 0, 1),
    (W3, (5, 5), 2, 1, 1),
    ([1, 2, 3], 6, 2, 1, 1),
    (K, (3, 3), 1, 0, 1),
    ([1, -2], 7, 1, 0, 3),
]


@pytest.mark.parametrize("w, in_shape, s, p, d", MATRIX_CASES)
@pytest.mark.parametrize("transposed", [False, True])
def test_matrix_heatmap_and_numbers_are_conv_matrix(
    w, in_shape, s, p, d, transposed
):
    fig = viz.matrix_figure(w, in_shape, s, p, d, transposed=transposed)
    c = tl.conv_matrix(np.asarray(w, float)[None, None], in_shape, s, p, d)
    c = c.T if transposed else c
    np.testing.assert_array_equal(
        np.asarray(fig.axes[0].images[0].get_array()), c
    )
    written = {
        tuple(int(v) for v in t.get_gid().split(":")[1].split(",")): float(
            t.get_text()
        )
        for t in texts(fig, "matrix-value")
    }
    assert set(written) == {
        tuple(i) for i in np.argwhere(c != 0)
    }  # zeros left blank
    assert all(c[index] == value for index, value in written.items())


@pytest.mark.parametrize("w, in_shape, s, p, d", MATRIX_CASES)
def test_matrix_block_lines_separate_the_rows_of_the_grids(
    w, in_shape, s, p, d
):
    fig = viz.matrix_figure(w, in_shape, s, p, d)
    blocks = [
        line for line in fig.axes[0].lines if line.get_gid() == "block-line"
    ]
    if np.ndim(w) == 2:
        out = tl.conv_output_size(in_shape, np.shape(w), s, p, d)
        assert len(blocks) == (out[0] - 1) + (in_shape[0] - 1)
    else:
        assert not blocks


def test_matrix_product_with_x_is_the_transposed_convolution():
    fig = viz.matrix_figure(K, (3, 3), transposed=True, x=X)
    c_t = np.asarray(fig.axes[0].images[0].get_array())
    vector_in, vector_out = column(fig, "vector-in"), column(fig, "vector-out")
    np.testing.assert_array_equal(vector_in, np.ravel(X))
    np.testing.assert_array_equal(c_t @ vector_in, vector_out)
    np.testing.assert_array_equal(vector_out, tconv(X, K).ravel())


def test_matrix_product_with_x_is_the_convolution():
    x = np.arange(16.0).reshape(4, 4)
    fig = viz.matrix_figure(W3, (4, 4), x=x)
    c = np.asarray(fig.axes[0].images[0].get_array())
    vector_in, vector_out = column(fig, "vector-in"), column(fig, "vector-out")
    np.testing.assert_array_equal(c @ vector_in, vector_out)
    expected = tl.conv(x[None, None], W3[None, None].astype(float))[0, 0]
    np.testing.assert_array_equal(vector_out, expected.ravel())


def test_matrix_refuses_an_x_of_the_wrong_shape():
    with pytest.raises(ValueError, match="in_shape"):
        viz.matrix_figure(W3, (4, 4), x=np.ones((3, 3)))
    with pytest.raises(ValueError, match="in_shape"):
        viz.matrix_figure([1, 2, 3], 6, stride=2, transposed=True, x=[1, 2])


OVERLAP_CASES = [
    (4, 3, 2, 0, 0, 1),
    ((4, 4), 3, 2, 0, 0, 1),
    ((3, 5), (4, 3), 2, 1, 1, 1),
    (5, 2, 1, 0, 0, 2),
    ((4, 4), 4, 2, 0, 0, 1),
]


@pytest.mark.parametrize("in_shape, k, s, p, op, d", OVERLAP_CASES)
def test_overlap_figure_shows_overlap_counts(in_shape, k, s, p, op, d):
    fig = viz.overlap_figure(in_shape, k, s, p, op, d)
    counts = tl.overlap_counts(in_shape, k, s, p, op, d)
    image = np.asarray(fig.axes[0].images[0].get_array())
    np.testing.assert_array_equal(image, as_2d(counts))
    written = [int(t.get_text()) for t in texts(fig, "count")]
    assert written == list(counts.ravel())
    if counts.ndim == 1:  # one bar per covered position, 0.9 cells per stamp
        heights = [round(b.get_height() / 0.9) for b in patches(fig, "bar")]
        assert heights == [c for c in counts if c]


def test_overlap_figure_has_no_interior_note_when_the_borders_meet():
    fig = viz.overlap_figure(
        2, 3, padding=1
    )  # output 2, reach d(k-1) = 2 from each end
    assert not [t for t in fig.axes[0].texts if "interior" in t.get_text()]


@pytest.mark.parametrize(
    "in_shape, k, s, even",
    [((4, 4), 3, 2, False), ((4, 4), 4, 2, True), (6, 3, 1, True)],
)
def test_overlap_figure_says_checkerboard_when_the_interior_is_uneven(
    in_shape, k, s, even
):
    fig = viz.overlap_figure(in_shape, k, stride=s)
    notes = [
        t.get_text() for t in fig.axes[0].texts if "interior" in t.get_text()
    ]
    uneven = "uneven overlap in the interior (1, 2, 4 stamps): the checkerboard"
    assert notes == [
        "the interior is evenly covered: no checkerboard" if even else uneven
    ]


def label_texts(fig):
    return [
        t.get_text() for t in fig.axes[0].texts if t.get_text().startswith("$")
    ]


def test_transposed_matrix_is_labelled_from_the_transposed_convolutions_side():
    w = np.array([[1, 0, 2], [0, 1, 0], [-1, 0, 1]])
    fig = viz.matrix_figure(w, (4, 4), transposed=True, x=[[1, 2], [3, 1]])
    labels = label_texts(fig)
    # its input x: the 4 columns and the vector multiplied; its output y: 16 rows
    assert labels.count("$x_{00}$") == 2 and "$x_{11}$" in labels
    assert labels.count("$y_{33}$") == 2 and "$x_{33}$" not in labels
    headers = [
        t.get_text() for t in fig.axes[0].texts if t.get_style() == "italic"
    ]
    assert headers == ["x", "y"]


def test_zero_taps_are_drawn_in_the_band_and_structural_zeros_blank():
    w = np.array([[1, 0, 2], [0, 1, 0], [-1, 0, 1]])
    for transposed in (False, True):
        fig = viz.matrix_figure(w, (4, 4), transposed=transposed)
        c = tl.conv_matrix(w[None, None].astype(float), (4, 4))
        band = tl.conv_matrix(np.ones((1, 1, 3, 3)), (4, 4)) != 0
        c, band = (c.T, band.T) if transposed else (c, band)
        marked = {
            tuple(int(v) for v in p.get_gid().split(":")[1].split(","))
            for p in patches(fig, "matrix-zero-tap")
        }
        assert marked == {tuple(i) for i in np.argwhere(band & (c == 0))}
        assert len(marked) == 4 * 4  # 4 zero taps in each of the 4 rows of C
        zeros = [t.get_text() for t in texts(fig, "matrix-zero-tap-value")]
        assert zeros == ["0"] * 16


def test_groups_figure_draws_the_block_diagonal_matrix_with_a_colour_bar():
    wg = np.arange(1.0, 19.0).reshape(2, 1, 3, 3)
    fig = viz.groups_figure(wg, (5, 5), groups=2)
    expected = tl.conv_matrix(wg, (5, 5), groups=2).T
    np.testing.assert_array_equal(fig.axes[0].images[0].get_array(), expected)
    assert expected.shape == (50, 18)
    assert not expected[:25, 9:].any() and not expected[25:, :9].any()
    colorbar = fig.axes[0].images[0].colorbar  # the image's scale, 0 to max
    assert colorbar is not None and colorbar.ax in fig.axes[0].child_axes
    assert tuple(colorbar.ax.get_ylim()) == (0.0, 18.0)
    titles = {t.get_text(): t.get_fontsize() for t in fig.axes[0].texts}
    # legible however small the cells
    assert titles["Cᵀ (50×18), groups=2"] == 10
    with pytest.raises(ValueError, match="C_out"):
        viz.groups_figure(np.ones((3, 3)), (5, 5), groups=1)
