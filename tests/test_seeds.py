"""Every numeric example of the source articles (../shared/seeds) that the library can compute, exactly."""

import numpy as np
import pytest
from conftest import torch_conv, torch_conv_transpose

import tconv_lib as tl

X = np.array([[0.0, 1.0], [2.0, 3.0]])
K = np.array([[4.0, 7.0], [2.0, 2.0]])


@pytest.mark.parametrize("method", tl.METHODS)
def test_seed000_padding0_gives_the_3x3_stamp_sum(method):
    y = tl.conv_transpose(X[None, None], K[None, None], method=method)
    np.testing.assert_array_equal(y[0, 0], [[0, 4, 7], [8, 28, 23], [4, 10, 6]])


@pytest.mark.parametrize("method", tl.METHODS)
def test_seed000_padding1_crops_to_the_single_value_28(method):
    y = tl.conv_transpose(
        X[None, None], K[None, None], padding=1, method=method
    )
    np.testing.assert_array_equal(y[0, 0], [[28]])


@pytest.mark.parametrize("method", tl.METHODS)
def test_seed000_stride4_spreads_the_stamps_into_6x6(method):
    y = tl.conv_transpose(X[None, None], K[None, None], stride=4, method=method)
    expected = [
        [0, 0, 0, 0, 4, 7],
        [0, 0, 0, 0, 2, 2],
        [0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0],
        [8, 14, 0, 0, 12, 21],
        [4, 4, 0, 0, 6, 6],
    ]
    np.testing.assert_array_equal(y[0, 0], expected)


@pytest.mark.parametrize("method", tl.METHODS)
def test_seed000_two_input_channels_sum_their_stamps(method):
    x = np.array([[[0, 1.0], [2.0, 3.0]], [[4, 5], [7, 8]]]).reshape(1, 2, 2, 2)
    k = np.array([[[0.0, 1.0], [2.0, 3.0]], [[4, 5], [2, 3]]]).reshape(
        2, 1, 2, 2
    )
    y = tl.conv_transpose(x, k, method=method)
    np.testing.assert_array_equal(
        y[0, 0], [[16, 40, 26], [36, 93, 61], [18, 49, 33]]
    )
    # The hand expansion of the first pixel pair, 0 * k0 + 4 * k1 = [[16, 20], [8, 12]]: the
    # library's output for that pair alone.
    first_pair = np.zeros_like(x)
    first_pair[0, :, 0, 0] = x[0, :, 0, 0]
    alone = tl.conv_transpose(first_pair, k, method=method)
    np.testing.assert_array_equal(alone[0, 0, :2, :2], [[16, 20], [8, 12]])
    assert not alone[0, 0, 2:].any() and not alone[0, 0, :, 2:].any()


def test_seed000_conv_then_tconv_with_equal_arguments_restores_the_16x16_shape():
    shape = tl.conv_output_size((16, 16), 5, stride=3, padding=2)
    assert shape == (6, 6)
    assert tl.conv_transpose_output_size(shape, 5, stride=3, padding=2) == (
        16,
        16,
    )
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, 10, 16, 16))
    w_conv, w_tconv = (
        rng.standard_normal((20, 10, 5, 5)),
        rng.standard_normal((20, 10, 5, 5)),
    )
    y = tl.conv_transpose(
        tl.conv(x, w_conv, stride=3, padding=2), w_tconv, stride=3, padding=2
    )
    assert y.shape == (1, 10, 16, 16)
    expected = torch_conv_transpose(torch_conv(x, w_conv, 3, 2), w_tconv, 3, 2)
    np.testing.assert_allclose(y, expected, atol=1e-10)


def test_seed002_conv_matrix_is_the_4x16_matrix_written_out():
    w = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)  # w00..w22 as 1..9
    c = tl.conv_matrix(w, (4, 4))
    row = lambda *entries: np.array(entries, dtype=float)  # noqa: E731
    expected = np.stack(
        [
            row(1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 0, 0, 0, 0, 0),
            row(0, 1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 0, 0, 0, 0),
            row(0, 0, 0, 0, 1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 0),
            row(0, 0, 0, 0, 0, 1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9),
        ]
    )
    np.testing.assert_array_equal(c, expected)


def test_seed002_transposed_conv_stamps_the_x00_plus_x01_pattern():
    # With a kernel of ones, each output cell counts the input elements that reach it.
    counts = tl.overlap_counts((2, 2), 3)
    np.testing.assert_array_equal(
        counts, [[1, 2, 2, 1], [2, 4, 4, 2], [2, 4, 4, 2], [1, 2, 2, 1]]
    )


def test_seed002_transposed_conv_is_the_flipped_kernel_on_the_doubly_padded_input():
    rng = np.random.default_rng(2)
    x, w = (
        rng.integers(-5, 5, (1, 1, 2, 2)).astype(float),
        rng.integers(-5, 5, (1, 1, 3, 3)).astype(float),
    )
    padded = np.pad(x, [(0, 0), (0, 0), (2, 2), (2, 2)])
    np.testing.assert_array_equal(
        tl.conv_transpose(x, w), tl.conv(padded, w[:, :, ::-1, ::-1])
    )


def test_seed002_1x2x2_to_1x3x3_to_1x4x4_chain_of_shapes():
    assert tl.conv_transpose_output_size((2, 2), 2) == (3, 3)
    assert tl.conv_transpose_output_size((3, 3), 2) == (4, 4)
    assert tl.conv_output_size((4, 4), 2) == (3, 3)
    assert tl.conv_output_size((3, 3), 2) == (2, 2)


def test_seed003_tensorflow_5x5_result_and_its_67():
    x = np.array([[-67.0, -77.0], [-117.0, -127.0]]).reshape(1, 2, 2, 1)
    f = np.array([[-1.0, 2, -3], [4, -5, 6], [-7, 8, -9]]).reshape(3, 3, 1, 1)
    y = tl.tf_conv_transpose(
        x, f, (1, 5, 5, 1), strides=[1, 2, 2, 1], padding="VALID"
    )
    expected = [
        [67, -134, 278, -154, 231],
        [-268, 335, -710, 385, -462],
        [586, -770, 1620, -870, 1074],
        [-468, 585, -1210, 635, -762],
        [819, -936, 1942, -1016, 1143],
    ]
    np.testing.assert_array_equal(y[0, :, :, 0], expected)
    # The reader's 603 = -67 * -9 is what sliding the kernel *unrotated* would give.
    spread = np.pad(tl.insert_zeros(x[0, :, :, 0], (2, 2)), 2)
    assert (
        tl.conv(spread[None, None], f[::-1, ::-1, 0, 0][None, None])[0, 0, 0, 0]
        == 67
    )
    assert (
        tl.conv(spread[None, None], f[:, :, 0, 0][None, None])[0, 0, 0, 0]
        == 603
    )


def test_seed004_sizes_on_a_5x5_input_5_9_5_and_7():
    """Source article 004's four layers on a 5x5 input, against the library and torch."""
    torch = pytest.importorskip("torch")
    x = torch.zeros(1, 1, 5, 5)
    layers = [
        (torch.nn.Conv2d(1, 1, 3, stride=1, padding=1), 5),
        (torch.nn.ConvTranspose2d(1, 1, 3, stride=2, padding=1), 9),
        (torch.nn.ConvTranspose2d(1, 1, 3, stride=1, padding=1), 5),
        (torch.nn.ConvTranspose2d(1, 1, 3, stride=1, padding=0), 7),
    ]
    for layer, size in layers:
        assert layer(x).shape[-2:] == (size, size)
    assert tl.conv_output_size(5, 3, stride=1, padding=1) == 5
    assert tl.conv_transpose_output_size(5, 3, stride=2, padding=1) == 9
    assert tl.conv_transpose_output_size(5, 3, stride=1, padding=1) == 5
    assert tl.conv_transpose_output_size(5, 3, stride=1, padding=0) == 7


@pytest.mark.parametrize("method", tl.METHODS)
def test_d2l_example_x_equals_k(method):
    x = np.array([[0.0, 1.0], [2.0, 3.0]])
    y = tl.conv_transpose(x[None, None], x[None, None], method=method)
    np.testing.assert_array_equal(y[0, 0], [[0, 0, 1], [0, 4, 6], [4, 12, 9]])
