"""The layers the benchmark times: the suite of real networks' layers and the
scaling families.

Every process builds its arrays from the layer alone (a generator seeded by the
layer's
name), so the numpy, PyTorch and TensorFlow processes compute the same numbers.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import asdict, dataclass

import numpy as np

from tconv_lib import conv_transpose_output_size


@dataclass(frozen=True)
class Layer:
    """One layer of the benchmark.

    ``x`` is ``(N, C_in, *spatial)``, ``w`` is ``(C_in, C_out, *k)``.
    """

    name: str
    family: str
    batch: int
    c_in: int
    c_out: int
    spatial: tuple
    kernel: int
    stride: int
    padding: int = 0
    output_padding: int = 0

    @property
    def dims(self):
        return len(self.spatial)

    @property
    def out_size(self):
        n = self.dims
        out = conv_transpose_output_size(
            self.spatial,
            (self.kernel,) * n,
            (self.stride,) * n,
            (self.padding,) * n,
            (self.output_padding,) * n,
        )
        return (out,) if isinstance(out, int) else tuple(out)

    @property
    def flops(self):
        """2 per multiply-add of the definition.

        That is 2 N C_in C_out k^n prod(spatial).
        """
        return (
            2
            * self.batch
            * self.c_in
            * self.c_out
            * self.kernel**self.dims
            * math.prod(self.spatial)
        )

    def arguments(self):
        """stride, padding and output_padding as keyword arguments."""
        return dict(
            stride=self.stride,
            padding=self.padding,
            output_padding=self.output_padding,
        )


def layer_to_dict(layer):
    """The layer as JSON data (the spatial size as a list)."""
    data = asdict(layer)
    data["spatial"] = list(layer.spatial)
    return data


def layer_from_dict(data):
    return Layer(**{**data, "spatial": tuple(data["spatial"])})


def layer_arrays(layer):
    """float32 input and weight, the same in every process (name-seeded)."""
    rng = np.random.default_rng(zlib.crc32(layer.name.encode()))
    x = rng.standard_normal((layer.batch, layer.c_in, *layer.spatial))
    w = rng.standard_normal(
        (layer.c_in, layer.c_out) + (layer.kernel,) * layer.dims
    )
    # the usual 1/sqrt(fan-in) scale keeps outputs near 1 whatever the layer
    w /= math.sqrt(layer.c_in * layer.kernel**layer.dims)
    return x.astype(np.float32), w.astype(np.float32)


def default_suite():
    """Transposed convolutions of real networks (the issue's suite), float32."""
    return [
        # DCGAN generator (Radford et al. 2016): 4 -> 64, k=4 s=2 p=1, batch 8.
        Layer("DCGAN 4->8", "DCGAN", 8, 512, 256, (4, 4), 4, 2, 1),
        Layer("DCGAN 8->16", "DCGAN", 8, 256, 128, (8, 8), 4, 2, 1),
        Layer("DCGAN 16->32", "DCGAN", 8, 128, 64, (16, 16), 4, 2, 1),
        Layer("DCGAN 32->64", "DCGAN", 8, 64, 3, (32, 32), 4, 2, 1),
        # U-Net up-convolutions (Ronneberger et al. 2015), k=2 s=2, batch 1.
        Layer("U-Net 28->56", "U-Net", 1, 1024, 512, (28, 28), 2, 2),
        Layer("U-Net 52->104", "U-Net", 1, 512, 256, (52, 52), 2, 2),
        Layer("U-Net 100->200", "U-Net", 1, 256, 128, (100, 100), 2, 2),
        Layer("U-Net 196->392", "U-Net", 1, 128, 64, (196, 196), 2, 2),
        # FCN-32s (Long et al. 2015): 21 classes upsampled 32x, k=64 s=32 p=16.
        Layer("FCN-32s 16->512", "FCN", 1, 21, 21, (16, 16), 64, 32, 16),
        Layer("stride-1 3x3", "stride 1", 8, 128, 128, (32, 32), 3, 1, 1),
        Layer("odd k=5 s=3", "odd", 4, 64, 32, (23, 19), 5, 3, 1, 1),
        # A MelGAN-style 1-D upsampler: 8x in time.
        Layer("1-D audio 8x", "1-D", 4, 512, 256, (256,), 16, 8, 4),
        Layer("3-D k=2 s=2", "3-D", 2, 64, 32, (16, 16, 16), 2, 2),
        Layer("3-D k=4 s=2", "3-D", 2, 32, 16, (8, 8, 8), 4, 2, 1),
    ]


def quick_suite():
    """A tiny suite for ``--quick`` and the tests."""
    return [
        Layer("tiny DCGAN", "DCGAN", 2, 16, 8, (4, 4), 4, 2, 1),
        Layer("tiny odd", "odd", 1, 3, 2, (5, 4), 5, 3, 1, 1),
        Layer("tiny 1-D", "1-D", 2, 8, 4, (16,), 8, 4, 2),
        Layer("tiny 3-D", "3-D", 1, 4, 4, (4, 4, 4), 2, 2),
    ]


#: The warm-up study's layers (the first of each family in quick mode).
WARMUP_LAYERS = ("DCGAN 4->8", "U-Net 28->56", "3-D k=4 s=2")

#: The smallest call of a framework: its memory rise is the one-time set-up.
BASELINE_LAYER = Layer("1x1 baseline", "baseline", 1, 1, 1, (1, 1), 1, 1)


def scaling_families(quick):
    """(sizes, layers by size, strides, layers by stride).

    Size: 16 -> 16 channels, k=4 s=2 p=1, batch 1, H x H input. Stride:
    32 x 32 input,
    k=4, p=0, s = 1 ... 8.
    """
    sizes = (4, 8) if quick else (8, 16, 32, 64, 128, 256)
    strides = (1, 2) if quick else (1, 2, 3, 4, 6, 8)
    channels = 2 if quick else 16
    side = 6 if quick else 32
    by_size = [
        Layer(f"{h}x{h}", "size", 1, channels, channels, (h, h), 4, 2, 1)
        for h in sizes
    ]
    by_stride = [
        Layer(f"s={s}", "stride", 1, channels, channels, (side, side), 4, s)
        for s in strides
    ]
    return sizes, by_size, strides, by_stride


def feasible(method, layer, budget):
    """Whether a slow numpy method fits ``budget`` bytes (and ends quickly)."""
    item = 4
    inputs = math.prod(layer.spatial)
    outputs = math.prod(layer.out_size)
    taps = layer.kernel**layer.dims
    if method == "matrix":  # the dense (C_in P_in) x (C_out P_out) matrix
        return layer.c_in * inputs * layer.c_out * outputs * item <= budget / 4
    if method == "sparse":  # nnz entries with int64 index arrays on the way
        return layer.c_in * layer.c_out * taps * inputs * 40 <= budget
    if method == "direct":  # im2col of the zero-inflated input
        return layer.batch * layer.c_in * taps * outputs * item * 3 <= budget
    if method == "scatter":  # a Python loop over input positions
        weight_bytes = layer.c_in * layer.c_out * taps * item
        return inputs <= 70_000 and inputs * weight_bytes <= 4 * budget
    if method == "subpixel":  # s^n convolutions of the small input
        return layer.stride**layer.dims <= 4096
    return True
