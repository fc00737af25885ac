"""keras_conv_transpose_output_size against real Keras 3 Conv1DTranspose/Conv2DTranspose layers."""

import itertools
import os
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np
import pytest

import tconv_lib as tl

keras = pytest.importorskip("keras")
tf = pytest.importorskip("tensorflow")


def _keras_1d(in_size, kernel_size, stride, padding, output_padding, seed=0):
    """Run a Conv1DTranspose layer (no bias) on a random input; return (input, kernel, output)."""
    rng = np.random.default_rng(seed)
    layer = keras.layers.Conv1DTranspose(
        2,
        kernel_size,
        strides=stride,
        padding=padding,
        output_padding=output_padding,
        use_bias=False,
    )
    x = rng.standard_normal((1, in_size, 3)).astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y = layer(x)
    return x, layer.kernel.numpy(), np.asarray(y)


CASES = [
    (i, k, s, padding, op)
    for i, k, s in itertools.product([1, 3, 4], [1, 2, 3, 4, 5], [1, 2, 3])
    for padding in ("valid", "same")
    for op in [None] + list(range(s))
]


@pytest.mark.parametrize("i, k, s, padding, op", CASES)
def test_keras_output_size_matches_conv1d_transpose_layer(i, k, s, padding, op):
    """The rule gives the layer's length whenever Keras runs, and a length TF refuses otherwise."""
    size = tl.keras_conv_transpose_output_size(i, k, s, padding, op)
    legal = tl.tf_output_size_range((i,), k, s, padding.upper())[0]
    if size in legal:
        x, kernel, y = _keras_1d(i, k, s, padding, op)
        assert y.shape == (1, size, 2)
        # and the layer is tf.nn.conv_transpose with that output_shape
        expected = tl.tf_conv_transpose(
            x, kernel, (1, size, 2), s, padding.upper()
        )
        np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-5)
    else:
        with pytest.raises(Exception, match="out_backprop"):
            _keras_1d(i, k, s, padding, op)


@pytest.mark.parametrize(
    "i, k, s", [(3, 2, 2), (4, 4, 2), (5, 4, 1), (2, 6, 3)]
)
def test_keras_same_even_kernel_output_padding_0_is_refused(i, k, s):
    """padding='same', an even kernel and output_padding=0 ask TF for (i-1)s, one below its SAME range."""
    size = tl.keras_conv_transpose_output_size(i, k, s, "same", 0)
    assert size == (i - 1) * s
    assert size == tl.tf_output_size_range((i,), k, s, "SAME")[0].start - 1
    with pytest.raises(Exception, match="out_backprop"):
        _keras_1d(i, k, s, "same", 0)


@pytest.mark.parametrize("i, k, s", [(4, 2, 3), (3, 1, 2), (5, 3, 4)])
def test_keras_valid_stride_larger_than_kernel_gives_i_times_s(i, k, s):
    assert tl.keras_conv_transpose_output_size(i, k, s, "valid") == i * s
    assert _keras_1d(i, k, s, "valid", None)[2].shape[1] == i * s


def test_keras_output_size_2d_layer_and_tuples():
    """Per-dimension tuples, checked on a Conv2DTranspose layer with different settings per axis."""
    size = tl.keras_conv_transpose_output_size(
        (4, 5), (3, 4), (2, 3), "same", (1, 2)
    )
    layer = keras.layers.Conv2DTranspose(
        1, (3, 4), strides=(2, 3), padding="same", output_padding=(1, 2)
    )
    y = layer(np.ones((1, 4, 5, 1), np.float32))
    assert size == (8, 14)
    assert tuple(y.shape[1:3]) == size


def test_keras_output_size_dilation_and_errors():
    assert (
        tl.keras_conv_transpose_output_size(4, 3, 1, "valid", dilation=2) == 8
    )
    layer = keras.layers.Conv1DTranspose(
        1, 3, strides=1, padding="valid", dilation_rate=2
    )
    assert layer.compute_output_shape((1, 4, 1))[1] == 8
    with pytest.raises(ValueError, match="smaller than the stride"):
        tl.keras_conv_transpose_output_size(4, 3, 2, "same", output_padding=2)
    with pytest.raises(ValueError, match="'valid' or 'same'"):
        tl.keras_conv_transpose_output_size(4, 3, 2, "full")
