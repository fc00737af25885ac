"""Every conv_transpose method against torch.nn.functional.conv_transpose{1,2,3}d in float64."""

import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from conftest import torch_conv_transpose
from hypothesis import given, settings
from hypothesis import strategies as st

import tconv_lib as tl


def assert_all_methods_match_torch(
    x, w, stride=1, padding=0, output_padding=0, dilation=1, groups=1
):
    expected = torch_conv_transpose(
        x, w, stride, padding, output_padding, dilation, groups
    )
    for method in tl.METHODS:
        got = tl.conv_transpose(
            x,
            w,
            stride,
            padding,
            output_padding,
            dilation,
            groups,
            method=method,
        )
        assert got.shape == expected.shape, method
        assert got.dtype == np.float64, method
        np.testing.assert_allclose(
            got, expected, rtol=0, atol=1e-10, err_msg=method
        )


GRID_2D = [
    # (in, k, s, p, op, d)
    (4, 3, 1, 0, 0, 1),
    (4, 3, 2, 0, 1, 1),
    (5, 4, 2, 1, 0, 1),
    (3, 3, 3, 1, 2, 1),
    (4, 5, 3, 2, 1, 1),
    (6, 2, 2, 0, 0, 1),
    (3, 3, 1, 2, 0, 1),  # p = k-1: the direct view needs no padding at all
    (4, 2, 1, 2, 0, 1),  # p > k-1: the direct view crops
    (4, 3, 2, 0, 1, 2),
    (
        3,
        3,
        1,
        0,
        2,
        3,
    ),  # output_padding >= stride, allowed because dilation is larger
    (
        5,
        1,
        2,
        0,
        1,
        1,
    ),  # a 1x1 kernel: every other output is an output_padding-free zero
    (2, 4, 4, 1, 3, 2),
]


@pytest.mark.parametrize("i,k,s,p,op,d", GRID_2D)
@pytest.mark.parametrize("groups", [1, 2])
def test_every_method_matches_torch_on_a_2d_grid(i, k, s, p, op, d, groups):
    rng = np.random.default_rng(i * 1000 + k * 100 + s * 10 + p)
    x = rng.standard_normal((2, 2 * groups, i, i + 1))
    w = rng.standard_normal((2 * groups, 3, k, k))
    assert_all_methods_match_torch(x, w, s, p, op, d, groups)


@pytest.mark.parametrize("n", [1, 3])
@pytest.mark.parametrize(
    "s,p,op,d", [(1, 0, 0, 1), (2, 1, 1, 1), (3, 0, 2, 2), (2, 2, 0, 3)]
)
def test_every_method_matches_torch_in_1d_and_3d(n, s, p, op, d):
    rng = np.random.default_rng(n * 100 + s * 10 + d)
    x = rng.standard_normal((2, 2) + (3,) * n)
    w = rng.standard_normal((2, 2) + (3,) * n)
    assert_all_methods_match_torch(x, w, s, p, op, d)


def test_non_square_kernel_stride_padding_per_dimension():
    rng = np.random.default_rng(7)
    x = rng.standard_normal((1, 3, 4, 5))
    w = rng.standard_normal((3, 2, 2, 3))
    assert_all_methods_match_torch(
        x,
        w,
        stride=(2, 3),
        padding=(1, 0),
        output_padding=(1, 2),
        dilation=(1, 2),
    )


def test_unbatched_input_gives_unbatched_output_equal_to_torch():
    rng = np.random.default_rng(8)
    x = rng.standard_normal((2, 3, 3))
    w = rng.standard_normal((2, 4, 3, 3))
    expected = F.conv_transpose2d(
        torch.from_numpy(x)[None], torch.from_numpy(w), stride=2
    ).numpy()[0]
    for method in tl.METHODS:
        np.testing.assert_allclose(
            tl.conv_transpose(x, w, stride=2, method=method),
            expected,
            atol=1e-10,
        )


def test_depthwise_transposed_convolution_groups_equal_channels():
    rng = np.random.default_rng(9)
    x = rng.standard_normal((1, 4, 3, 3))
    w = rng.standard_normal((4, 1, 3, 3))
    assert_all_methods_match_torch(
        x, w, stride=2, padding=1, output_padding=1, groups=4
    )


@pytest.mark.parametrize("method", tl.METHODS)
def test_float32_stays_float32_and_integers_become_float64(method):
    x32 = np.ones((1, 1, 2, 2), np.float32)
    w32 = np.ones((1, 1, 2, 2), np.float32)
    assert tl.conv_transpose(x32, w32, method=method).dtype == np.float32
    assert (
        tl.conv_transpose(
            np.ones((1, 1, 2, 2), int),
            np.ones((1, 1, 2, 2), int),
            method=method,
        ).dtype
        == np.float64
    )


def test_nested_lists_are_accepted():
    y = tl.conv_transpose([[[1, 2]]], [[[1, 1]]])
    np.testing.assert_array_equal(y, [[[1, 3, 2]]])


@st.composite
def transposed_cases(draw):
    n = draw(st.integers(1, 3))
    per_dim = lambda lo, hi: tuple(draw(st.integers(lo, hi)) for _ in range(n))  # noqa: E731
    small = n == 3  # keep 3-D cases tiny
    stride = per_dim(1, 2 if small else 4)
    kernel = per_dim(1, 3 if small else 5)
    dilation = per_dim(1, 2 if small else 3)
    in_size = per_dim(1, 3 if small else 5)
    output_padding = tuple(
        draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation)
    )
    padding = tuple(
        draw(st.integers(0, d * (k - 1) + 1)) for k, d in zip(kernel, dilation)
    )
    groups = draw(st.sampled_from([1, 2]))
    c_in = groups * draw(st.integers(1, 2))
    c_out_group = draw(st.integers(1, 2))
    batch = draw(st.integers(1, 2))
    unbatched = draw(st.booleans())
    return dict(
        n=n,
        stride=stride,
        kernel=kernel,
        dilation=dilation,
        in_size=in_size,
        output_padding=output_padding,
        padding=padding,
        groups=groups,
        c_in=c_in,
        c_out_group=c_out_group,
        batch=batch,
        unbatched=unbatched,
        seed=draw(st.integers(0, 2**16)),
    )


@settings(max_examples=150, deadline=None)
@given(transposed_cases())
def test_hypothesis_sweep_every_method_matches_torch(case):
    sizes = [
        s * (i - 1) + d * (k - 1) - 2 * p + op + 1
        for s, i, d, k, p, op in zip(
            case["stride"],
            case["in_size"],
            case["dilation"],
            case["kernel"],
            case["padding"],
            case["output_padding"],
        )
    ]
    rng = np.random.default_rng(case["seed"])
    x = rng.standard_normal((case["batch"], case["c_in"]) + case["in_size"])
    w = rng.standard_normal(
        (case["c_in"], case["c_out_group"]) + case["kernel"]
    )
    args = (
        case["stride"],
        case["padding"],
        case["output_padding"],
        case["dilation"],
        case["groups"],
    )
    if min(sizes) < 1:
        for method in tl.METHODS:
            with pytest.raises(ValueError, match="padding"):
                tl.conv_transpose(x, w, *args, method=method)
        return
    expected = torch_conv_transpose(x, w, *args)
    if case["unbatched"]:
        x, expected = x[0], expected[0]
    for method in tl.METHODS:
        got = tl.conv_transpose(x, w, *args, method=method)
        assert got.shape == expected.shape
        np.testing.assert_allclose(
            got, expected, rtol=0, atol=1e-10, err_msg=method
        )


def test_methods_agree_with_each_other_on_every_small_1d_combination():
    """Exhaustive over small 1-D arguments: no combination where two methods disagree."""
    rng = np.random.default_rng(11)
    for i, k, s, d in itertools.product(
        range(1, 4), range(1, 4), range(1, 4), range(1, 3)
    ):
        for p in range(0, d * (k - 1) + 2):
            for op in range(max(s, d)):
                if s * (i - 1) + d * (k - 1) - 2 * p + op + 1 < 1:
                    continue
                x = rng.standard_normal((1, 1, i))
                w = rng.standard_normal((1, 1, k))
                assert_all_methods_match_torch(x, w, s, p, op, d)
