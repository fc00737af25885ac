"""conv and conv_matrix against torch.nn.functional.conv{1,2,3}d; the adjoint and gradient identities."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from conftest import torch_conv
from hypothesis import given, settings
from hypothesis import strategies as st

import tconv_lib as tl


@st.composite
def conv_cases(draw):
    n = draw(st.integers(1, 3))
    per_dim = lambda lo, hi: tuple(draw(st.integers(lo, hi)) for _ in range(n))  # noqa: E731
    kernel = per_dim(1, 3 if n == 3 else 4)
    dilation = per_dim(1, 2 if n == 3 else 3)
    stride = per_dim(1, 3)
    padding = per_dim(0, 2)
    in_size = tuple(
        draw(st.integers(max(1, d * (k - 1) + 1 - 2 * p), d * (k - 1) + 5))
        for k, d, p in zip(kernel, dilation, padding)
    )
    groups = draw(st.sampled_from([1, 2]))
    return dict(
        n=n,
        kernel=kernel,
        dilation=dilation,
        stride=stride,
        padding=padding,
        in_size=in_size,
        groups=groups,
        c_in=groups * draw(st.integers(1, 2)),
        c_out=groups * draw(st.integers(1, 2)),
        seed=draw(st.integers(0, 2**16)),
    )


@settings(max_examples=100, deadline=None)
@given(conv_cases())
def test_conv_and_conv_matrix_match_torch(case):
    rng = np.random.default_rng(case["seed"])
    x = rng.standard_normal((2, case["c_in"]) + case["in_size"])
    w = rng.standard_normal(
        (case["c_out"], case["c_in"] // case["groups"]) + case["kernel"]
    )
    args = (case["stride"], case["padding"], case["dilation"], case["groups"])
    expected = torch_conv(x, w, *args)
    got = tl.conv(x, w, *args)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-10)
    matrix = tl.conv_matrix(w, case["in_size"], *args)
    np.testing.assert_allclose(
        matrix @ x[1].ravel(), expected[1].ravel(), rtol=0, atol=1e-10
    )
    sparse = tl.conv_matrix(w, case["in_size"], *args, sparse=True)
    np.testing.assert_allclose(sparse.toarray(), matrix, rtol=0, atol=0)


def test_conv_matrix_of_a_1d_kernel_is_banded_toeplitz():
    c = tl.conv_matrix([[[1.0, 2.0, 3.0]]], 5)
    np.testing.assert_array_equal(
        c, [[1, 2, 3, 0, 0], [0, 1, 2, 3, 0], [0, 0, 1, 2, 3]]
    )


def test_stride_keeps_every_sth_row_and_padding_adds_columns_that_get_cut():
    w = np.arange(1.0, 4.0).reshape(1, 1, 3)
    full = tl.conv_matrix(w, 7)
    np.testing.assert_array_equal(tl.conv_matrix(w, 7, stride=2), full[::2])
    padded = tl.conv_matrix(w, 7, padding=1)
    assert padded.shape == (7, 7)
    np.testing.assert_array_equal(
        padded[0], [2, 3, 0, 0, 0, 0, 0]
    )  # tap w0 falls on a padding zero


@pytest.mark.parametrize(
    "stride,padding,output_padding,dilation,groups",
    [
        (1, 0, 0, 1, 1),
        (2, 1, 1, 1, 1),
        (3, 2, 2, 1, 2),
        (2, 0, 1, 2, 2),
        (1, 1, 2, 3, 1),
    ],
)
def test_conv_transpose_is_c_transpose_applied_to_the_flattened_input(
    stride, padding, output_padding, dilation, groups
):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2 * groups, 3, 4))
    w = rng.standard_normal((2 * groups, 2, 3, 2))
    y = tl.conv_transpose(
        x, w, stride, padding, output_padding, dilation, groups
    )
    c = tl.conv_matrix(w, y.shape[1:], stride, padding, dilation, groups)
    rows = tl.conv_output_size(y.shape[1:], (3, 2), stride, padding, dilation)
    x_rows = np.pad(x, [(0, 0), (0, rows[0] - 3), (0, rows[1] - 4)])
    np.testing.assert_allclose(c.T @ x_rows.ravel(), y.ravel(), atol=1e-12)


@pytest.mark.parametrize("n", [1, 2, 3])
@pytest.mark.parametrize(
    "stride,padding,output_padding,dilation",
    [(1, 0, 0, 1), (2, 1, 1, 1), (3, 1, 0, 2)],
)
def test_adjoint_identity_conv_and_conv_transpose(
    n, stride, padding, output_padding, dilation
):
    """<conv(x), y> == <x, conv_transpose(y)> with the same weights."""
    rng = np.random.default_rng(n)
    w = rng.standard_normal(
        (3, 2) + (3,) * n
    )  # conv: 3 out, 2 in; tconv: 3 in, 2 out
    y = rng.standard_normal((1, 3) + (3,) * n)
    x_shape = tl.conv_transpose_output_size(
        (3,) * n, (3,) * n, stride, padding, output_padding, dilation
    )
    x = rng.standard_normal((1, 2) + x_shape)
    conv_x = tl.conv(x, w, stride, padding, dilation)
    assert (
        conv_x.shape == y.shape
    )  # the two maps really are between the same two spaces
    for method in tl.METHODS:
        lhs = np.vdot(conv_x, y)
        rhs = np.vdot(
            x,
            tl.conv_transpose(
                y, w, stride, padding, output_padding, dilation, method=method
            ),
        )
        assert abs(lhs - rhs) < 1e-9 * max(1.0, abs(lhs))


@pytest.mark.parametrize(
    "stride,padding,groups", [(1, 0, 1), (2, 1, 1), (3, 2, 2)]
)
def test_conv_transpose_is_the_autograd_input_gradient_of_conv(
    stride, padding, groups
):
    rng = np.random.default_rng(5)
    x = torch.tensor(
        rng.standard_normal((2, 2 * groups, 9, 8)), requires_grad=True
    )
    w = torch.tensor(rng.standard_normal((3 * groups, 2, 3, 3)))
    y = F.conv2d(x, w, stride=stride, padding=padding, groups=groups)
    upstream = rng.standard_normal(tuple(y.shape))
    (grad,) = torch.autograd.grad(y, x, torch.from_numpy(upstream))
    op = tl.output_padding_for(y.shape[2:], (9, 8), 3, stride, padding)
    ours = tl.conv_transpose(
        upstream, w.numpy(), stride, padding, op, groups=groups
    )
    np.testing.assert_allclose(ours, grad.numpy(), atol=1e-10)
