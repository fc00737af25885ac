"""Shared test set-up and helpers.

TensorFlow's environment variables must be set before it is imported; matplotlib draws
off-screen. The helpers here (``ROOT``, the PyTorch reference) are imported by the test
files as ``from conftest import ...``.
"""

import os
from pathlib import Path

from hypothesis import settings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("MPLBACKEND", "Agg")

#: The repository's root directory.
ROOT = Path(__file__).resolve().parents[1]

# The profile the Makefile selects: the same examples on every run and machine.
settings.register_profile(
    "ci", derandomize=True, deadline=None, print_blob=True
)


def torch_conv(x, w, stride=1, padding=0, dilation=1, groups=1):
    """``torch.nn.functional.conv{1,2,3}d`` on numpy arrays (no bias), as a numpy array."""
    import torch
    import torch.nn.functional as F

    function = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[w.ndim - 2]
    args = (
        torch.from_numpy(x),
        torch.from_numpy(w),
        None,
        stride,
        padding,
        dilation,
        groups,
    )
    return function(*args).numpy()


def torch_conv_transpose(
    x, w, stride=1, padding=0, output_padding=0, dilation=1, groups=1
):
    """``torch.nn.functional.conv_transpose{1,2,3}d`` on numpy arrays (no bias)."""
    import torch
    import torch.nn.functional as F

    function = {
        1: F.conv_transpose1d,
        2: F.conv_transpose2d,
        3: F.conv_transpose3d,
    }[w.ndim - 2]
    return function(
        torch.from_numpy(x),
        torch.from_numpy(w),
        stride=stride,
        padding=padding,
        output_padding=output_padding,
        dilation=dilation,
        groups=groups,
    ).numpy()
