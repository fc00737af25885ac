"""Shape functions against the shapes PyTorch and TensorFlow actually produce."""

import itertools

import numpy as np
import pytest
import tensorflow as tf
import torch
import torch.nn.functional as F
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import tconv_lib as tl


def test_conv_and_transposed_output_sizes_match_torch_over_a_grid():
    for i, k, s, p, d in itertools.product(
        range(1, 7), range(1, 4), range(1, 4), range(0, 3), range(1, 3)
    ):
        x = torch.zeros(1, 1, i)
        w = torch.zeros(1, 1, k)
        if i + 2 * p >= d * (k - 1) + 1:
            assert (
                tl.conv_output_size(i, k, s, p, d)
                == F.conv1d(x, w, None, s, p, d).shape[-1]
            )
        else:
            with pytest.raises(ValueError, match="in_size"):
                tl.conv_output_size(i, k, s, p, d)
        for op in range(max(s, d)):
            if s * (i - 1) + d * (k - 1) - 2 * p + op + 1 >= 1:
                expected = F.conv_transpose1d(x, w, None, s, p, op, 1, d).shape[
                    -1
                ]
                assert (
                    tl.conv_transpose_output_size(i, k, s, p, op, d) == expected
                )


def test_tuple_arguments_give_tuples_and_ints_give_ints():
    assert tl.conv_output_size(
        (16, 9), (5, 3), stride=(3, 2), padding=(2, 1)
    ) == (6, 5)
    assert tl.conv_transpose_output_size(
        (6, 5), (5, 3), stride=(3, 2), padding=(2, 1), output_padding=(0, 1)
    ) == (16, 10)
    assert isinstance(tl.conv_output_size(4, 3), int)
    assert tl.conv_transpose_output_size((2, 2), 2, padding=1) == (1, 1)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 40),
    st.integers(1, 6),
    st.integers(1, 5),
    st.integers(0, 4),
    st.integers(1, 3),
)
def test_output_padding_for_round_trips_through_conv(in_size, k, s, p, d):
    """For every input size a conv maps to o, a transposed conv can map o back to it."""
    assume(in_size + 2 * p >= d * (k - 1) + 1)  # the convolution has an output
    o = tl.conv_output_size(in_size, k, s, p, d)
    op = tl.output_padding_for(o, in_size, k, s, p, d)
    assert 0 <= op < s  # the remainder the convolution's floor dropped
    assert tl.conv_transpose_output_size(o, k, s, p, op, d) == in_size


def test_output_padding_for_agrees_with_torch_output_size_argument():
    layer = torch.nn.ConvTranspose2d(1, 1, 5, stride=3, padding=2)
    x = torch.zeros(1, 1, 6, 6)
    for size in (16, 17, 18):
        op = tl.output_padding_for(6, size, 5, 3, 2)
        assert layer(x, output_size=(size, size)).shape[-1] == size
        assert (
            F.conv_transpose2d(
                x, layer.weight, stride=3, padding=2, output_padding=op
            ).shape[-1]
            == size
        )
    with pytest.raises(ValueError, match="16..18"):
        tl.output_padding_for(6, 19, 5, 3, 2)


def test_tf_output_size_range_is_exactly_what_tensorflow_accepts():
    x = np.zeros((1, 3, 3, 1), np.float32)
    for k, s, padding in itertools.product(
        (1, 2, 3, 4), (1, 2, 3), ("SAME", "VALID")
    ):
        f = np.zeros((k, k, 1, 1), np.float32)
        legal = tl.tf_output_size_range((3, 3), k, s, padding)[0]
        accepted = []
        for o in range(1, 16):
            try:
                tf.nn.conv2d_transpose(x, f, (1, o, o, 1), s, padding)
                accepted.append(o)
            except tf.errors.InvalidArgumentError:
                pass
        assert accepted == list(legal), (k, s, padding)
