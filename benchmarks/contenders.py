"""The contenders: each builds, from a layer, a function of no arguments that
computes it.

The numpy builders import only tconv_lib (and scipy for the sparse matrix);
torch and tensorflow are imported inside their own builders, which only their
processes call.
"""

from __future__ import annotations

import numpy as np
from layers import layer_arrays

NUMPY_METHODS = ("gemm", "subpixel", "direct", "scatter", "matrix")
FRAMEWORKS = ("torch", "tensorflow")
#: The scaling study also times C^T x with C a scipy.sparse matrix.
SCALING_METHODS = NUMPY_METHODS + ("sparse",) + FRAMEWORKS

#: The memory guard for the slow methods: ``layers.feasible`` has already
#: checked their buffers against the benchmark's budget. (gemm keeps its
#: default chunk budget.)
SLOW_METHOD_BUDGET = 64 * 2**30


def numpy_method(method, layer):
    import tconv_lib as tl

    x, w = layer_arrays(layer)
    guard = {} if method == "gemm" else {"memory_budget": SLOW_METHOD_BUDGET}
    arguments = layer.arguments()
    return lambda: tl.conv_transpose(x, w, method=method, **arguments, **guard)


def sparse_method(layer):
    """``y = C^T x``, C a CSR matrix built in every call (build + product).

    C comes from ``tl.conv_matrix(..., sparse=True)``.
    """
    import tconv_lib as tl

    x, w = layer_arrays(layer)
    n = layer.dims

    def run():
        matrix = tl.conv_matrix(
            w,
            layer.out_size,
            (layer.stride,) * n,
            (layer.padding,) * n,
            sparse=True,
            memory_budget=SLOW_METHOD_BUDGET,
        )
        flat = x.reshape(x.shape[0], -1)
        return (matrix.T @ flat.T).T.reshape(
            (x.shape[0], layer.c_out) + layer.out_size
        )

    return run


def torch_method(layer):
    import torch
    import torch.nn.functional as F

    fn = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}
    x, w = (torch.from_numpy(a) for a in layer_arrays(layer))
    arguments = layer.arguments()

    def run():
        with torch.no_grad():
            return fn[layer.dims](x, w, **arguments)

    return run


def tf_method(layer):
    """``tf.nn.conv_transpose`` on channels-last data, TF's arguments.

    ``conv1d_transpose`` and ``conv3d_transpose`` take only string padding:
    where the layer needs explicit padding there, TF computes the VALID canvas
    and the result is cropped (inside the timed call).
    """
    import tensorflow as tf

    import tconv_lib as tl

    x, w = layer_arrays(layer)
    tf_args = tl.tf_args_for_torch(
        layer.spatial,
        layer.kernel,
        layer.stride,
        layer.padding,
        layer.output_padding,
    )
    x = tf.constant(np.moveaxis(x, 1, -1))
    filters = tf.constant(tl.torch_weight_to_tf(w))
    padding, out = tf_args.padding, tf_args.out_size
    crop = None
    if not isinstance(padding, str) and layer.dims != 2:
        padding = "VALID"
        out = tuple(
            s * (i - 1) + layer.kernel
            for s, i in zip(tf_args.strides, layer.spatial)
        )
        crop = (slice(None),) + tuple(
            slice(layer.padding, layer.padding + o) for o in tf_args.out_size
        )
    shape = (layer.batch, *out, layer.c_out)

    def run():
        y = tf.nn.conv_transpose(x, filters, shape, tf_args.strides, padding)
        return y if crop is None else y[crop]

    return run


def build(contender, layer):
    """The function that computes ``layer`` with ``contender``."""
    if contender == "torch":
        return torch_method(layer)
    if contender == "tensorflow":
        return tf_method(layer)
    if contender == "sparse":
        return sparse_method(layer)
    return numpy_method(contender, layer)


def is_c_contiguous(y):
    """Whether a contender's output is one C-ordered block (a view may not be).

    gemm returns a cropped view of its canvas when padding > 0; a TensorFlow
    tensor is always dense.
    """
    if hasattr(y, "is_contiguous"):  # a torch tensor
        return bool(y.is_contiguous())
    if isinstance(y, np.ndarray):
        return bool(y.flags.c_contiguous)
    return True


def as_numpy_nchw(contender, y):
    """A contender's output as a channels-first numpy array."""
    y = np.asarray(y)
    return np.moveaxis(y, -1, 1) if contender == "tensorflow" else y
