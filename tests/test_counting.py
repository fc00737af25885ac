"""The multiply-add counter (chapter 09): hand-computed counts of every method."""

import numpy as np
import pytest

import tconv_lib as tl

N, C_IN, C_OUT, H, K = 2, 3, 4, 5, 3
DEFINITION = N * C_IN * C_OUT * K**2 * H**2  # every input entry times every tap


def counted(method, x, w, **arguments):
    with tl.count_multiply_adds() as counts:
        tl.conv_transpose(x, w, method=method, **arguments)
    return counts.multiply_adds


@pytest.fixture
def layer():
    rng = np.random.default_rng(0)
    return rng.standard_normal((N, C_IN, H, H)), rng.standard_normal(
        (C_IN, C_OUT, K, K)
    )


def test_scatter_does_the_definitions_multiply_adds(layer):
    assert counted("scatter", *layer, stride=2) == DEFINITION


def test_subpixel_at_stride_1_is_a_convolution_over_the_zero_border(layer):
    out = H + K - 1  # 7: every output position costs K^2 per channel pair
    assert counted("subpixel", *layer) == N * C_IN * C_OUT * K**2 * out**2


def test_direct_slides_the_kernel_over_the_zero_inflated_image(layer):
    out = (
        2 * (H - 1) + K
    )  # 11: every output position costs K^2 per channel pair
    assert (
        counted("direct", *layer, stride=2) == N * C_IN * C_OUT * K**2 * out**2
    )


def test_the_dense_matrix_multiplies_every_entry_of_c(layer):
    out = 2 * (H - 1) + K
    entries = C_IN * H**2 * C_OUT * out**2
    assert counted("matrix", *layer, stride=2) == N * entries


def test_gemm_columns_form_also_multiplies_the_padding_of_its_rows():
    # many input channels, few output ones: the columns form (tconv_lib.gemm)
    x, w = np.ones((N, 16, H, H)), np.ones((16, 2, K, K))
    q = H + (K - 1) // 2  # rows padded to the canvas's q length: 5 + 1
    assert counted("gemm", x, w, stride=2) == N * 16 * 2 * K**2 * H * q


def test_gemm_phase_form_multiplies_its_whole_grid(layer):
    # few channels: the phase form (tconv_lib.gemm_phases), one product of
    # (s^2 C_out) x (S^2 C_in) weights by N * Q * (Q + S - 1) grid columns
    s, shifts = 2, (K - 1) // 2 + 1  # 2 shifts per axis
    q = H + shifts - 1  # 6 q positions per axis, rows padded to 7
    grid = N * q * (q + shifts - 1)
    expected = s**2 * C_OUT * shifts**2 * C_IN * grid
    assert counted("gemm", *layer, stride=s) == expected


def test_counters_nest_and_stop_counting_after_the_block(layer):
    with tl.count_multiply_adds() as outer:
        tl.conv_transpose(*layer, stride=2, method="scatter")
        with tl.count_multiply_adds() as inner:
            tl.conv_transpose(*layer, stride=2, method="scatter")
    tl.conv_transpose(*layer, stride=2, method="scatter")
    assert (outer.multiply_adds, inner.multiply_adds) == (
        2 * DEFINITION,
        DEFINITION,
    )


def test_the_forward_convolution_is_counted_too():
    x, w = np.ones((1, 2, 6, 6)), np.ones((3, 2, 3, 3))
    with tl.count_multiply_adds() as counts:
        tl.conv(x, w)
    assert counts.multiply_adds == 3 * 2 * 9 * 4 * 4
