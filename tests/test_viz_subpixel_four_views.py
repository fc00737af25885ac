"""The sub-pixel view splits the kernel by phase; the four views end in the same output.

Numbers are read back from the figure's Text artists and compared with the library.
"""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from test_viz_scatter import W3, K, X
from viz_artists import as_2d, drawn_numbers, patches, tconv, texts

from tconv_lib import viz
from tconv_lib.geometry import tap_phase


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


LETTERS = "ABCDEFGHI"

SUBPIXEL_CASES = [
    (W3, 2, 1),
    ([1, 2, 3], 2, 1),
    (np.arange(16).reshape(4, 4), 2, 1),
    ([1, 2, 3, 4, 5], 3, 1),
    ([[1, 2], [3, 4]], 3, 1),
    (W3, 2, 2),
    ([1, 2, 3], 3, 2),
]


def phases_of(w, s):
    """The drawing phases (row, column), C order: one per sub-kernel."""
    return list(np.ndindex(*((1, s) if np.ndim(w) == 1 else (s, s))))


def letters(fig, gid):
    """``{(r, c): letter}`` of the Text artists with gid ``gid:r,c``."""
    return {
        tuple(
            int(v) for v in t.get_gid().split(":")[1].split(",")
        ): t.get_text()
        for t in texts(fig, gid)
    }


@pytest.mark.parametrize("w, s, d", SUBPIXEL_CASES)
def test_subpixel_sub_kernels_are_the_rotated_taps_of_each_phase(w, s, d):
    fig = viz.subpixel_figure(w, s, dilation=d)
    w2 = as_2d(np.asarray(w, float))
    dilation = (1, d) if np.ndim(w) == 1 else (d, d)
    stride = (1, s) if np.ndim(w) == 1 else (s, s)
    marks = [
        a
        for a in fig.axes[0].patches + fig.axes[0].texts
        if a.get_gid() == "subkernel"
    ]
    assert len(marks) == s ** np.ndim(w)
    for i, phase in enumerate(phases_of(w, s)):
        taps = [
            [t for t in range(k) if tap_phase(t, ss, dd) == q]
            for q, k, ss, dd in zip(phase, w2.shape, stride, dilation)
        ]
        if all(taps):
            sub = w2[np.ix_(*taps)]
            np.testing.assert_array_equal(
                drawn_numbers(fig, f"sub{i}"), np.flip(sub)
            )
        else:
            assert not texts(fig, f"sub{i}-value")


@pytest.mark.parametrize("w, s, d", SUBPIXEL_CASES)
def test_subpixel_kernel_letters_are_the_tap_phases(w, s, d):
    fig = viz.subpixel_figure(w, s, dilation=d)
    phases = phases_of(w, s)
    for (r, c), letter in letters(fig, "kernel-phase").items():
        taps = (c,) if np.ndim(w) == 1 else (r, c)
        phase = tuple(tap_phase(t, s, d) for t in taps)
        assert (
            letter == LETTERS[phases.index(((0,) + phase)[-2:])]
        )  # (d t) mod s


@pytest.mark.parametrize("w, s, d", SUBPIXEL_CASES)
def test_subpixel_output_letters_are_the_phase_of_each_pixel(w, s, d):
    fig = viz.subpixel_figure(w, s, dilation=d, padding=1)
    shown = {
        tuple(
            int(v) for v in t.get_gid().split(":")[1].split(",")
        ): t.get_text()
        for t in texts(fig, "output-value")
    }
    phases = phases_of(w, s)
    assert (
        len(shown)
        == tconv(
            np.ones((4,) if np.ndim(w) == 1 else (3, 3)), w, s, 1, 0, d
        ).size
    )
    for (r, c), letter in shown.items():
        pixel = (c,) if np.ndim(w) == 1 else (r, c)
        phase = ((0,) + tuple((j + 1) % s for j in pixel))[-2:]  # (j + p) mod s
        assert letter == LETTERS[phases.index(phase)]


@pytest.mark.parametrize(
    "x, w, s",
    [(np.arange(1.0, 5.0), [1, 2, 3], 2), (X, K, 2), ([[1, 2], [3, 4]], W3, 2)],
)
def test_subpixel_output_interleaves_the_sub_kernel_convolutions(x, w, s):
    fig = viz.subpixel_figure(w, s, x=x)
    y = drawn_numbers(fig, "output")
    np.testing.assert_array_equal(y, as_2d(tconv(x, w, s)))
    assert set(letters(fig, "output-phase").values()) == set(
        LETTERS[: s ** np.ndim(w)]
    )
    for i, (row, col) in enumerate(phases_of(w, s)):
        # the pixels of one phase: a stride-1 transposed convolution (a full convolution)
        # of x with that phase's taps, the drawn sub-kernel rotated back
        sub = np.flip(drawn_numbers(fig, f"sub{i}"))
        part = as_2d(tconv(x, sub[0] if np.ndim(w) == 1 else sub))
        pixels = y[row::s, col::s] if np.ndim(w) == 2 else y[:, col::s]
        np.testing.assert_array_equal(
            pixels, part[: pixels.shape[0], : pixels.shape[1]]
        )


@pytest.mark.parametrize(
    "x, w, s, p",
    [
        (X, K, 1, 0),
        (X, K, 2, 0),
        ([[1, 2], [3, 4]], W3, 2, 1),
        ([1, 2, 3], [1, 2, 3], 2, 0),
    ],
)
def test_four_views_end_in_the_same_output(x, w, s, p):
    fig = viz.four_views_figure(x, w, s, p)
    assert len(fig.axes) == 5
    y = as_2d(tconv(x, w, s, p))
    np.testing.assert_array_equal(drawn_numbers(fig, "output", ax=0), y)
    c_t = np.asarray(fig.axes[1].images[0].get_array())
    vector_in = [
        float(t.get_text()) for t in texts(fig, "vector-in-value", ax=1)
    ]
    vector_out = [
        float(t.get_text()) for t in texts(fig, "vector-out-value", ax=1)
    ]
    np.testing.assert_array_equal(vector_in, np.ravel(x))
    np.testing.assert_array_equal(c_t @ np.array(vector_in), vector_out)
    np.testing.assert_array_equal(vector_out, y.ravel())
    np.testing.assert_array_equal(drawn_numbers(fig, "output", ax=2), y)
    np.testing.assert_array_equal(drawn_numbers(fig, "output", ax=3), y)
    np.testing.assert_array_equal(
        drawn_numbers(fig, "incoming", ax=3), as_2d(x)
    )
    np.testing.assert_array_equal(
        drawn_numbers(fig, "example-x", ax=4), as_2d(x)
    )
    np.testing.assert_array_equal(
        drawn_numbers(fig, "example-w", ax=4), as_2d(w)
    )
    assert len(patches(fig, "stamp", ax=0)) == np.size(x)


@pytest.mark.parametrize(
    "x, w, s, p",
    [(X, K, 1, 0), (X, K, 2, 0), ([[1, 2], [3, 4]], W3, 2, 1)],
)
def test_four_views_gradient_panel_is_torch_autograd_of_the_convolution(
    x, w, s, p
):
    torch = pytest.importorskip("torch")
    fig = viz.four_views_figure(x, w, s, p)
    y = tconv(x, w, s, p)
    z = torch.zeros(y.shape, dtype=torch.float64, requires_grad=True)
    w_t = torch.tensor(np.asarray(w, float))[None, None]
    x_t = torch.tensor(np.asarray(x, float))[None, None]
    forward = torch.nn.functional.conv2d(
        z[None, None], w_t, stride=s, padding=p
    )
    (grad,) = torch.autograd.grad((forward * x_t).sum(), z)
    np.testing.assert_array_equal(
        drawn_numbers(fig, "output", ax=3), grad.numpy()
    )
    np.testing.assert_array_equal(grad.numpy(), y)
    headings = [t.get_text() for t in fig.texts]
    assert (
        "4  gradient: y = Cᵀx is the backward pass of a convolution" in headings
    )
    assert not [h for h in headings if "sub-pixel" in h]


def test_four_views_fits_the_text_column_with_9_pt_text():
    fig = viz.four_views_figure([[0, 1], [2, 3]], [[4, 7], [2, 2]])
    # the book's text column is 672 px; at 100 dpi the figure is shown at its own size
    assert fig.get_size_inches()[0] * 100 <= 672
    sizes = [
        t.get_fontsize()
        for ax in fig.axes
        for t in ax.texts
        if t.get_gid()
        != "window-weight"  # the small tap index in a cell's corner
    ]
    sizes += [t.get_fontsize() for t in fig.texts]
    sizes += [t.get_fontsize() for t in fig.legends[0].get_texts()]
    assert min(sizes) >= 9
