"""The fast "gemm" method (tconv_lib.gemm, chapter 09) against torch, in float64 and float32.

Also guards what makes it fast without changing its result: the tap groups of the overlap-add
by phases, the batch/channel chunking under a memory budget, and dtype preservation.
"""

import numpy as np
import pytest
from conftest import budget_asked_for, torch_conv_transpose
from hypothesis import given, settings
from hypothesis import strategies as st

import tconv_lib as tl
from tconv_lib.gemm import gemm_conv_transpose
from tconv_lib.geometry import tap_groups
from tconv_lib.shapes import conv_transpose_output_size


def gemm_with_budget(
    x, w, stride, padding, output_padding, dilation, groups, budget
):
    """Call the implementation directly, so a test can choose the memory budget."""
    n = w.ndim - 2
    s, p, op, d = (
        (v,) * n if isinstance(v, int) else tuple(v)
        for v in (stride, padding, output_padding, dilation)
    )
    out = conv_transpose_output_size(
        tuple(x.shape[2:]), tuple(w.shape[2:]), s, p, op, d
    )
    out = (out,) if isinstance(out, int) else out
    return gemm_conv_transpose(
        x, w, s, p, op, d, groups, out, memory_budget=budget
    )


# (n, in, k, s, p, op, d, groups): the suite's shapes in miniature plus awkward corners.
GRID = [
    (2, 4, 4, 2, 1, 0, 1, 1),  # DCGAN: k = 2s, four tap groups
    (
        2,
        5,
        2,
        2,
        0,
        0,
        1,
        1,
    ),  # U-Net: k = s, a single group and no addition at all
    (2, 3, 8, 4, 2, 0, 1, 1),  # FCN-style k = 2s with a large stride
    (2, 6, 3, 1, 1, 0, 1, 1),  # stride 1: every tap is its own group
    (2, 5, 5, 3, 1, 2, 1, 1),  # k not a multiple of s, output_padding
    (2, 4, 3, 2, 0, 1, 2, 1),  # dilation: phases in steps of d
    (
        2,
        3,
        3,
        2,
        0,
        2,
        3,
        2,
    ),  # output_padding >= stride (dilation larger), groups
    (
        2,
        4,
        1,
        3,
        0,
        2,
        1,
        1,
    ),  # 1x1 kernel, stride 3: two thirds of the phases stay zero
    (2, 3, 2, 4, 1, 3, 2, 2),  # gcd(s, d) > 1: some phases never get a tap
    (1, 9, 16, 8, 4, 0, 1, 1),  # audio-style upsampler
    (1, 7, 5, 2, 3, 1, 1, 3),
    (3, 3, 4, 2, 1, 0, 1, 1),
    (3, 3, 3, 2, 1, 1, 2, 2),
]


@pytest.mark.parametrize("n,i,k,s,p,op,d,groups", GRID)
def test_gemm_matches_torch_in_float64(n, i, k, s, p, op, d, groups):
    rng = np.random.default_rng(n * 1000 + i * 100 + k * 10 + s)
    x = rng.standard_normal((2, 2 * groups) + tuple(i + a for a in range(n)))
    w = rng.standard_normal((2 * groups, 3) + (k,) * n)
    got = tl.conv_transpose(x, w, s, p, op, d, groups, method="gemm")
    expected = torch_conv_transpose(x, w, s, p, op, d, groups)
    assert got.shape == expected.shape and got.dtype == np.float64
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-10)


@pytest.mark.parametrize("n,i,k,s,p,op,d,groups", GRID)
def test_gemm_matches_torch_in_float32(n, i, k, s, p, op, d, groups):
    rng = np.random.default_rng(n * 1000 + i * 100 + k * 10 + s + 1)
    x = rng.standard_normal(
        (3, 4 * groups) + tuple(i + a for a in range(n))
    ).astype(np.float32)
    w = rng.standard_normal((4 * groups, 2) + (k,) * n).astype(np.float32)
    got = tl.conv_transpose(x, w, s, p, op, d, groups, method="gemm")
    expected = torch_conv_transpose(x, w, s, p, op, d, groups)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 3),
    data=st.data(),
)
def test_gemm_matches_torch_on_random_arguments(n, data):
    groups = data.draw(st.integers(1, 3), label="groups")
    c_in, c_out_g = (
        groups * data.draw(st.integers(1, 2)),
        data.draw(st.integers(1, 2)),
    )
    spatial = tuple(
        data.draw(
            st.lists(st.integers(1, 5), min_size=n, max_size=n), label="spatial"
        )
    )
    k = tuple(
        data.draw(
            st.lists(st.integers(1, 5), min_size=n, max_size=n), label="kernel"
        )
    )
    s = tuple(
        data.draw(
            st.lists(st.integers(1, 4), min_size=n, max_size=n), label="stride"
        )
    )
    d = tuple(
        data.draw(
            st.lists(st.integers(1, 3), min_size=n, max_size=n),
            label="dilation",
        )
    )
    p = tuple(
        data.draw(st.integers(0, dd * (kk - 1)), label="padding")
        for dd, kk in zip(d, k)
    )
    op = tuple(
        data.draw(st.integers(0, max(ss, dd) - 1), label="output_padding")
        for ss, dd in zip(s, d)
    )
    unbatched = data.draw(st.booleans(), label="unbatched")
    rng = np.random.default_rng(0)
    x = rng.standard_normal(((1,) if unbatched else (2,)) + (c_in,) + spatial)
    w = rng.standard_normal((c_in, c_out_g) + k)
    try:
        expected = torch_conv_transpose(x, w, s, p, op, d, groups)
    except (
        RuntimeError
    ):  # torch refuses an empty output; conv_transpose raises too
        return
    got = tl.conv_transpose(
        x[0] if unbatched else x, w, s, p, op, d, groups, method="gemm"
    )
    np.testing.assert_allclose(
        got, expected[0] if unbatched else expected, rtol=0, atol=1e-10
    )


def smallest_budget(x, w, stride, padding, output_padding, dilation, groups):
    """The budget the refusal of a 1-byte budget asks for."""
    with pytest.raises(ValueError, match="memory_budget") as refusal:
        gemm_with_budget(
            x, w, stride, padding, output_padding, dilation, groups, 1
        )
    return budget_asked_for(refusal)


@pytest.mark.parametrize("factor", [1, 3, 20, 10**6])
@pytest.mark.parametrize("groups", [1, 2])
def test_chunking_under_a_tiny_budget_gives_the_same_result(factor, groups):
    # factor 1: the budget the refusal asks for, one sample and one output channel per chunk;
    # 3 and 20: several channels or samples per chunk; 10**6: one chunk.
    rng = np.random.default_rng(factor + groups)
    x = rng.standard_normal((5, 4 * groups, 6, 5))
    w = rng.standard_normal((4 * groups, 3, 4, 3))
    args = ((2, 3), (1, 0), (1, 2), 1, groups)
    budget = factor * smallest_budget(x, w, *args)
    expected = torch_conv_transpose(x, w, *args)
    got = gemm_with_budget(x, w, *args, budget)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-10)


@pytest.mark.parametrize("factor", [1, 2, 5])
def test_k_equal_s_in_bands_of_rows_gives_the_same_result(factor):
    # U-Net's k = s writes the canvas straight from the GEMM; a tiny budget cuts one sample's
    # rows into bands, each interleaved into its own rows of the output
    rng = np.random.default_rng(factor)
    x = rng.standard_normal((2, 3, 7, 4))
    w = rng.standard_normal((3, 2, 2, 2))
    args = (2, 0, 0, 1, 1)
    budget = factor * smallest_budget(x, w, *args)
    got = gemm_with_budget(x, w, *args, budget)
    np.testing.assert_allclose(
        got, torch_conv_transpose(x, w, *args), atol=1e-10
    )


def test_a_budget_below_one_chunk_is_refused_with_the_budget_that_works():
    x, w = np.ones((2, 3, 8, 8)), np.ones((3, 2, 4, 4))
    budget = smallest_budget(x, w, 2, 1, 0, 1, 1)
    with pytest.raises(ValueError, match=f"pass memory_budget={budget} "):
        tl.conv_transpose(x, w, 2, 1, memory_budget=budget - 1)
    expected = torch_conv_transpose(x, w, 2, 1)
    np.testing.assert_allclose(
        tl.conv_transpose(x, w, 2, 1, memory_budget=budget), expected
    )


def test_the_column_buffer_stays_within_the_budget_whatever_the_batch():
    import tracemalloc

    rng = np.random.default_rng(1)
    x = rng.standard_normal((64, 8, 16, 16)).astype(np.float32)
    w = rng.standard_normal((8, 8, 4, 4)).astype(np.float32)
    output_bytes = 64 * 8 * 32 * 32 * 4
    budget = (
        256 * 2**10
    )  # columns alone for the whole batch would be 64*8*16*256*4 = 8 MiB
    tracemalloc.start()
    gemm_with_budget(x, w, 2, 1, 0, 1, 1, budget)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # The output (slightly larger before cropping) plus at most one chunk's buffers.
    assert peak <= 1.2 * output_bytes + 2 * budget, (peak, output_bytes)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gemm_keeps_the_dtype(dtype):
    x = np.ones((1, 2, 3, 3), dtype)
    w = np.ones((2, 1, 2, 2), dtype)
    assert tl.conv_transpose(x, w, 2, method="gemm").dtype == dtype


def test_integer_input_gives_float64_like_the_other_methods():
    y = tl.conv_transpose(
        [[[[0, 1], [2, 3]]]], [[[[0, 1], [2, 3]]]], method="gemm"
    )
    assert y.dtype == np.float64
    np.testing.assert_array_equal(y[0, 0], [[0, 0, 1], [0, 4, 6], [4, 12, 9]])


@pytest.mark.parametrize(
    "k,s,d",
    [(4, 2, 1), (5, 3, 1), (3, 1, 1), (3, 2, 2), (64, 32, 1), (3, 4, 2)],
)
def test_tap_groups_cover_every_tap_once_at_its_phase(k, s, d):
    seen = []
    for q, taps, phases in tap_groups(k, s, d):
        t = list(range(k))[taps]
        r = list(range(s))[phases]
        assert len(t) == len(r)
        for tap, phase in zip(t, r):
            assert d * tap == s * q + phase  # the tap lands at s*(i+q) + r
        seen += t
    assert seen == list(range(k))


def test_kernel_a_multiple_of_the_stride_needs_only_k_over_s_groups_per_axis():
    assert (
        len(tap_groups(4, 2, 1)) == 2
    )  # DCGAN: 2^2 = 4 block adds in 2-D instead of 16
    assert len(tap_groups(2, 2, 1)) == 1  # U-Net: one copy
    assert (
        len(tap_groups(64, 32, 1)) == 2
    )  # FCN-32s: 4 block adds instead of 4096
