"""tconv_lib.upsampling (chapters 07-08) against numpy's FFT, PyTorch and TensorFlow."""

import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import tconv_lib as tl

# --- checkerboard_energy ----------------------------------------------------------------------


def fft_checkerboard_share(y, stride):
    """The FFT definition: power at bins that are multiples of N/s (DC excluded) over all non-DC power."""
    power = np.abs(np.fft.fftn(y)) ** 2
    power.flat[0] = 0.0
    mask = np.ones(y.shape, bool)
    for axis, (size, s) in enumerate(zip(y.shape, stride)):
        on = np.zeros(size, bool)
        on[:: size // s] = True
        shape = [1] * y.ndim
        shape[axis] = size
        mask &= on.reshape(shape)
    return power[mask].sum() / power.sum()


@pytest.mark.parametrize(
    "shape,stride",
    [
        ((12,), (2,)),
        ((12,), (3,)),
        ((8, 12), (2, 2)),
        ((9, 12), (3, 4)),
        ((8, 8), (2, 1)),
    ],
)
def test_checkerboard_energy_equals_fft_share_when_sizes_are_multiples_of_the_stride(
    shape, stride
):
    rng = np.random.default_rng(1)
    for _ in range(5):
        y = rng.normal(size=shape) + np.tile(
            rng.normal(size=stride), [n // s for n, s in zip(shape, stride)]
        )
        assert tl.checkerboard_energy(y, stride) == pytest.approx(
            fft_checkerboard_share(y, stride), rel=1e-12
        )


def test_checkerboard_energy_extremes():
    assert tl.checkerboard_energy(np.ones((6, 6)), 2) == 0.0
    assert tl.checkerboard_energy(
        np.indices((6, 6)).sum(0) % 2, 2
    ) == pytest.approx(1.0)
    ramp = np.arange(10.0)
    assert 0 < tl.checkerboard_energy(ramp, 2) < 0.05
    # odd sizes: a pure period-2 pattern is still all periodic
    assert tl.checkerboard_energy(np.arange(7) % 2, 2) == pytest.approx(1.0)


def test_checkerboard_energy_of_stride_3_overlap_pattern():
    counts = tl.overlap_counts((10, 10), 3, stride=2)[3:-3, 3:-3]
    assert tl.checkerboard_energy(counts, 2) == pytest.approx(1.0)
    even = tl.overlap_counts((10, 10), 4, stride=2)[3:-3, 3:-3]
    assert tl.checkerboard_energy(even, 2) == 0.0


def test_checkerboard_energy_adds_channels_with_a_tuple_stride():
    a, b = np.arange(8.0) % 2, np.arange(8.0)
    both = tl.checkerboard_energy(np.stack([a, b]), (2,))
    expected = (0.25 * 8 + 0.25 * 8) / (
        np.sum((a - a.mean()) ** 2) + np.sum((b - b.mean()) ** 2)
    )
    assert both == pytest.approx(expected)


def test_checkerboard_energy_rejects_maps_smaller_than_the_stride():
    with pytest.raises(ValueError, match="smaller than the stride"):
        tl.checkerboard_energy(np.ones(2), 3)


# --- bilinear_kernel ---------------------------------------------------------------------------


def test_bilinear_kernel_matches_fcn_formula():
    np.testing.assert_allclose(
        tl.bilinear_kernel(2, 1), [0.25, 0.75, 0.75, 0.25]
    )
    np.testing.assert_allclose(
        tl.bilinear_kernel(3, 1), [1 / 3, 2 / 3, 1, 2 / 3, 1 / 3]
    )
    k = tl.bilinear_kernel(4)
    assert k.shape == (8, 8)
    np.testing.assert_allclose(
        k, np.outer(tl.bilinear_kernel(4, 1), tl.bilinear_kernel(4, 1))
    )


@pytest.mark.parametrize("s", [2, 4, 6])
def test_bilinear_tconv_equals_interpolate_in_the_interior_only(s):
    rng = np.random.default_rng(s)
    x = rng.normal(size=(1, 1, 7, 6))
    w = tl.bilinear_kernel(s)[None, None]
    tconv = tl.conv_transpose(x, w, stride=s, padding=s // 2)
    ref = F.interpolate(
        torch.from_numpy(x),
        scale_factor=s,
        mode="bilinear",
        align_corners=False,
    ).numpy()
    assert tconv.shape == ref.shape
    b = s // 2
    np.testing.assert_allclose(
        tconv[..., b:-b, b:-b], ref[..., b:-b, b:-b], atol=1e-12
    )
    differs = ~np.isclose(tconv[0, 0], ref[0, 0], atol=1e-12)
    assert differs[:b].all(axis=1).all() and differs[-b:].all(axis=1).all()
    assert differs[:, :b].all() and differs[:, -b:].all()


def test_bilinear_tconv_on_edge_replicated_input_equals_interpolate_everywhere():
    x = np.random.default_rng(0).normal(size=(1, 1, 5, 6))
    s = 2
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)), mode="edge")
    tconv = tl.conv_transpose(
        padded, tl.bilinear_kernel(s)[None, None], stride=s, padding=s // 2 + s
    )
    ref = F.interpolate(
        torch.from_numpy(x),
        scale_factor=s,
        mode="bilinear",
        align_corners=False,
    ).numpy()
    np.testing.assert_allclose(tconv, ref, atol=1e-12)


# --- pixel_shuffle -----------------------------------------------------------------------------


@pytest.mark.parametrize("r,c", [(2, 1), (2, 3), (3, 2)])
def test_pixel_shuffle_matches_torch_and_tensorflow(r, c):
    import tensorflow as tf

    x = np.random.default_rng(r).normal(size=(2, c * r * r, 4, 5))
    got = tl.pixel_shuffle(x, r)
    np.testing.assert_array_equal(
        got, F.pixel_shuffle(torch.from_numpy(x), r).numpy()
    )
    # TF's depth_to_space orders channels (phi, c): move c to the end of the channel index first.
    x_tf = (
        x.reshape(2, c, r * r, 4, 5)
        .transpose(0, 3, 4, 2, 1)
        .reshape(2, 4, 5, r * r * c)
    )
    tf_out = tf.nn.depth_to_space(x_tf, r).numpy().transpose(0, 3, 1, 2)
    np.testing.assert_array_equal(got, tf_out)


def test_pixel_shuffle_in_1d_and_3d():
    x = np.arange(6.0).reshape(
        3 * 2, 1
    )  # C*s = 6, length 1, s=3 -> 2 channels of length 3
    np.testing.assert_array_equal(
        tl.pixel_shuffle(x, (3,)), [[0, 1, 2], [3, 4, 5]]
    )
    x3 = np.random.default_rng(0).normal(size=(8, 2, 3, 4))
    y3 = tl.pixel_shuffle(x3, (2, 2, 2))
    assert y3.shape == (1, 4, 6, 8)
    assert y3[0, 1, 4, 7] == x3[1 * 4 + 0 * 2 + 1, 0, 2, 3]


# --- subpixel_weight ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "k,s", [(4, 2), (3, 2), (5, 2), (6, 3), (5, 3), (2, 2), (1, 2), (3, 4)]
)
def test_subpixel_weight_conv_plus_pixel_shuffle_equals_torch_conv_transpose(
    k, s
):
    rng = np.random.default_rng(10 * k + s)
    c_in, c_out, n = 3, 2, 5
    x = rng.normal(size=(2, c_in, n, n + 1))
    w = rng.normal(size=(c_in, c_out, k, k))
    W = tl.subpixel_weight(w, s)
    K = -(-k // s)
    assert W.shape == (c_out * s * s, c_in, K, K)
    shuffled = F.pixel_shuffle(
        F.conv2d(torch.from_numpy(x), torch.from_numpy(W), padding=K - 1), s
    ).numpy()
    for p, op in itertools.product(range(0, k), range(0, s)):
        try:
            ref = F.conv_transpose2d(
                torch.from_numpy(x),
                torch.from_numpy(w),
                stride=s,
                padding=p,
                output_padding=op,
            ).numpy()
        except RuntimeError:
            continue
        out_h, out_w = ref.shape[2:]
        canvas = np.zeros(shuffled.shape[:2] + (p + out_h, p + out_w))
        h, ww = (
            min(canvas.shape[2], shuffled.shape[2]),
            min(canvas.shape[3], shuffled.shape[3]),
        )
        canvas[..., :h, :ww] = shuffled[..., :h, :ww]
        np.testing.assert_allclose(
            canvas[..., p:, p:], ref, atol=1e-10, err_msg=f"p={p} op={op}"
        )


def test_subpixel_weight_in_1d_and_3d():
    rng = np.random.default_rng(3)
    x1, w1 = rng.normal(size=(1, 2, 6)), rng.normal(size=(2, 3, 5))
    W1 = tl.subpixel_weight(w1, 2)
    y1 = tl.pixel_shuffle(tl.conv(x1, W1, padding=2), (2,))
    ref1 = F.conv_transpose1d(
        torch.from_numpy(x1), torch.from_numpy(w1), stride=2
    ).numpy()
    np.testing.assert_allclose(y1[..., : ref1.shape[-1]], ref1, atol=1e-12)
    x3, w3 = rng.normal(size=(1, 1, 3, 3, 3)), rng.normal(size=(1, 1, 4, 4, 4))
    y3 = tl.pixel_shuffle(
        tl.conv(x3, tl.subpixel_weight(w3, 2), padding=1), (2, 2, 2)
    )
    ref3 = F.conv_transpose3d(
        torch.from_numpy(x3), torch.from_numpy(w3), stride=2
    ).numpy()
    np.testing.assert_allclose(y3, ref3, atol=1e-12)


# --- icnr_weight -------------------------------------------------------------------------------


def test_icnr_sub_pixel_conv_equals_nearest_upsampled_conv():
    rng = np.random.default_rng(4)
    x, w = rng.normal(size=(1, 3, 6, 5)), rng.normal(size=(2, 3, 3, 3))
    sub = F.pixel_shuffle(
        F.conv2d(
            torch.from_numpy(x),
            torch.from_numpy(tl.icnr_weight(w, 2)),
            padding=1,
        ),
        2,
    )
    ref = F.interpolate(
        F.conv2d(torch.from_numpy(x), torch.from_numpy(w), padding=1),
        scale_factor=2,
        mode="nearest",
    )
    np.testing.assert_allclose(sub.numpy(), ref.numpy(), atol=1e-12)
    assert tl.checkerboard_energy(sub.numpy(), (2, 2)) < 1e-20
