"""tf_conv_transpose against tf.nn.conv*_transpose; the converters in both directions."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf
from conftest import torch_conv_transpose

import tconv_lib as tl

TF_TCONV = {
    1: tf.nn.conv1d_transpose,
    2: tf.nn.conv2d_transpose,
    3: tf.nn.conv3d_transpose,
}


def random_case(rng, n, in_size, k, c_in=2, c_out=3):
    x = rng.standard_normal((2,) + (in_size,) * n + (c_in,)).astype(np.float32)
    f = rng.standard_normal((k,) * n + (c_out, c_in)).astype(np.float32)
    return x, f


@pytest.mark.parametrize("n", [1, 2, 3])
@pytest.mark.parametrize("padding", ["SAME", "VALID"])
@pytest.mark.parametrize(
    "k,s", [(1, 1), (3, 1), (2, 2), (3, 2), (4, 2), (5, 3), (2, 4)]
)
def test_every_legal_output_shape_matches_tensorflow(n, padding, k, s):
    rng = np.random.default_rng(n * 100 + k * 10 + s)
    in_size = 3 if n < 3 else 2
    x, f = random_case(rng, n, in_size, k)
    legal = tl.tf_output_size_range((in_size,) * n, k, s, padding)[0]
    for o in legal:
        shape = (2,) + (o,) * n + (3,)
        expected = TF_TCONV[n](x, f, shape, s, padding).numpy()
        got = tl.tf_conv_transpose(x, f, shape, s, padding)
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("padding", ["SAME", "VALID"])
def test_sizes_just_outside_the_legal_range_are_refused_by_both(padding):
    rng = np.random.default_rng(0)
    x, f = random_case(rng, 2, 3, 3)
    legal = tl.tf_output_size_range((3, 3), 3, 2, padding)[0]
    for o in (legal.start - 1, legal.stop):
        shape = (2, o, o, 3)
        with pytest.raises(tf.errors.InvalidArgumentError):
            tf.nn.conv2d_transpose(x, f, shape, 2, padding)
        with pytest.raises(
            ValueError, match=f"{legal.start}..{legal.stop - 1}"
        ):
            tl.tf_conv_transpose(x, f, shape, 2, padding)


@pytest.mark.parametrize(
    "pads", [[[1, 0], [0, 1]], [[2, 1], [1, 2]], [[0, 3], [2, 0]]]
)
def test_explicit_padding_matches_tensorflow(pads):
    rng = np.random.default_rng(1)
    x, f = random_case(rng, 2, 3, 3)
    explicit = [[0, 0]] + pads + [[0, 0]]
    ranges = tl.tf_output_size_range((3, 3), 3, 2, explicit)
    for oh in ranges[0]:
        for ow in ranges[1]:
            shape = (2, oh, ow, 3)
            expected = tf.nn.conv2d_transpose(
                x, f, shape, [1, 2, 2, 1], explicit
            ).numpy()
            np.testing.assert_allclose(
                tl.tf_conv_transpose(x, f, shape, [1, 2, 2, 1], explicit),
                expected,
                rtol=1e-5,
                atol=1e-5,
            )


def test_non_square_strides_and_the_generic_conv_transpose():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((1, 3, 4, 2)).astype(np.float32)
    f = rng.standard_normal((3, 2, 5, 2)).astype(np.float32)
    shape = (1, 6, 12, 5)
    expected = tf.nn.conv_transpose(x, f, shape, (2, 3), "SAME").numpy()
    np.testing.assert_allclose(
        tl.tf_conv_transpose(x, f, shape, (2, 3), "SAME"),
        expected,
        rtol=1e-5,
        atol=1e-5,
    )


def test_same_padding_puts_the_odd_pixel_at_the_end():
    assert tl.tf_padding((8,), 3, 2, "SAME") == [(0, 1)]
    assert tl.tf_padding((8,), 4, 2, "SAME") == [(1, 1)]
    assert tl.tf_padding((7,), 4, 2, "SAME") == [(1, 2)]
    assert tl.tf_padding((5,), 3, 2, "VALID") == [(0, 0)]


def test_dilation_matches_tensorflow_with_onednn_in_a_subprocess():
    """TF's CPU kernels refuse dilations > 1 unless oneDNN is on; check against TF with it on."""
    rng = np.random.default_rng(3)
    x, f = random_case(rng, 2, 3, 3)
    cases = [
        (7, "VALID", 1, 2),
        (9, "VALID", 2, 2),
        (10, "VALID", 2, 2),
        (5, "SAME", 2, 2),
        (6, "SAME", 2, 2),
        (3, "SAME", 1, 3),
    ]
    script = (
        "import json, sys, numpy as np, tensorflow as tf\n"
        "d = json.load(sys.stdin); x = np.array(d['x'], np.float32); f = np.array(d['f'], np.float32)\n"
        "print(json.dumps([tf.nn.conv2d_transpose(x, f, (2, o, o, 3), s, p, dilations=dil).numpy().tolist()"
        " for o, p, s, dil in d['cases']]))\n"
    )
    env = dict(os.environ, TF_ENABLE_ONEDNN_OPTS="1", TF_CPP_MIN_LOG_LEVEL="3")
    run = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(dict(x=x.tolist(), f=f.tolist(), cases=cases)),
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=300,
    )
    results = json.loads(run.stdout.strip().splitlines()[-1])
    for (o, padding, s, dil), expected in zip(cases, results):
        got = tl.tf_conv_transpose(
            x, f, (2, o, o, 3), s, padding, dilations=dil
        )
        np.testing.assert_allclose(
            got, np.array(expected), rtol=1e-5, atol=1e-5
        )


def test_weight_converters_are_inverse_and_match_keras_layout():
    w = np.arange(2 * 3 * 4 * 5, dtype=float).reshape(
        2, 3, 4, 5
    )  # torch (C_in, C_out, kh, kw)
    f = tl.torch_weight_to_tf(w)
    assert f.shape == (4, 5, 3, 2)
    assert f[1, 2, 0, 1] == w[1, 0, 1, 2]
    np.testing.assert_array_equal(tl.tf_filters_to_torch(f), w)


TF_CALLS = [
    # (in, k, s, padding, out)
    (4, 3, 2, "SAME", 8),  # the trap: not padding=1, output_padding=1
    (4, 4, 2, "SAME", 8),  # DCGAN: padding=1
    (4, 2, 2, "SAME", 8),  # U-Net
    (4, 3, 1, "SAME", 4),
    (4, 5, 2, "SAME", 7),
    (4, 3, 2, "VALID", 9),
    (4, 3, 2, "VALID", 10),
    (4, 1, 3, "VALID", 12),
    (3, 3, 2, [[0, 0], [2, 0], [2, 0], [0, 0]], 6),
    (3, 3, 2, [[0, 0], [0, 2], [0, 2], [0, 0]], 6),
    (3, 4, 3, [[0, 0], [3, 0], [3, 0], [0, 0]], 9),
]


@pytest.mark.parametrize("i,k,s,padding,o", TF_CALLS)
def test_torch_args_for_tf_reproduce_tensorflow_exactly(i, k, s, padding, o):
    rng = np.random.default_rng(4)
    x, f = random_case(rng, 2, i, k)
    expected = tf.nn.conv2d_transpose(x, f, (2, o, o, 3), s, padding).numpy()
    eq = tl.torch_args_for_tf((i, i), k, (o, o), s, padding)
    y = torch_conv_transpose(
        np.moveaxis(x, -1, 1),
        tl.tf_filters_to_torch(f),
        s,
        eq.padding,
        eq.output_padding,
    )
    (t0, t1), (l0, l1) = eq.crop
    y = y[:, :, t0 : y.shape[2] - t1, l0 : y.shape[3] - l1]
    np.testing.assert_allclose(
        np.moveaxis(y, 1, -1), expected, rtol=1e-5, atol=1e-5
    )


def test_the_same_k3_s2_trap_padding1_output_padding1_is_shifted_by_one_pixel():
    rng = np.random.default_rng(5)
    x, f = random_case(rng, 2, 4, 3)
    tf_out = tf.nn.conv2d_transpose(x, f, (2, 8, 8, 3), 2, "SAME").numpy()
    naive = torch_conv_transpose(
        np.moveaxis(x, -1, 1), tl.tf_filters_to_torch(f), 2, 1, 1
    )
    naive = np.moveaxis(naive, 1, -1)
    assert naive.shape == tf_out.shape
    assert np.abs(naive - tf_out).max() > 0.1  # right shape, wrong values
    np.testing.assert_allclose(
        naive[:, :-1, :-1], tf_out[:, 1:, 1:], rtol=1e-5, atol=1e-5
    )  # shifted by one
    assert tl.torch_args_for_tf((4, 4), 3, (8, 8), 2, "SAME") == (
        (0, 0),
        (0, 0),
        ((0, 1), (0, 1)),
    )


TORCH_CALLS = [
    # (in, k, s, p, op)
    (4, 4, 2, 1, 0),
    (4, 3, 2, 1, 1),
    (4, 2, 2, 0, 0),
    (4, 3, 1, 1, 0),
    (4, 3, 2, 0, 1),
    (4, 5, 3, 2, 2),
    (4, 3, 2, 2, 0),
    (4, 1, 2, 0, 1),
]


@pytest.mark.parametrize("i,k,s,p,op", TORCH_CALLS)
def test_tf_args_for_torch_reproduce_pytorch_exactly(i, k, s, p, op):
    rng = np.random.default_rng(6)
    x = rng.standard_normal((2, 2, i, i)).astype(np.float32)
    w = rng.standard_normal((2, 3, k, k)).astype(np.float32)
    expected = torch_conv_transpose(x, w, s, p, op)
    eq = tl.tf_args_for_torch((i, i), k, s, p, op)
    got = tf.nn.conv2d_transpose(
        np.moveaxis(x, 1, -1),
        tl.torch_weight_to_tf(w),
        (2,) + eq.out_size + (3,),
        eq.strides,
        eq.padding,
        dilations=eq.dilations,
    ).numpy()
    np.testing.assert_allclose(
        np.moveaxis(got, -1, 1), expected, rtol=1e-5, atol=1e-5
    )


def test_tf_args_for_torch_names_the_simple_modes():
    assert tl.tf_args_for_torch(16, 4, 2, 1).padding == "SAME"
    assert tl.tf_args_for_torch(16, 3, 2, 0, 1).padding == "VALID"
    assert tl.tf_args_for_torch(16, 3, 2, 1, 1).padding == [
        [0, 0],
        [1, 0],
        [0, 0],
    ]
