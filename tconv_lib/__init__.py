"""tconv_lib: numpy reference implementations for the course "Transposed Convolution, from matrices to frameworks".

Importing it loads numpy only: no torch, tensorflow, scipy or matplotlib (``tconv_lib.viz``
imports matplotlib when you use it, ``conv_matrix(..., sparse=True)`` scipy).
"""

from .conv import conv, conv_matrix
from .counting import count_multiply_adds
from .geometry import tap_groups
from .memory import MEMORY_BUDGET
from .rearrange import flip_weight, insert_zeros
from .shapes import (
    conv_output_size,
    conv_transpose_output_size,
    output_padding_for,
)
from .tf import (
    keras_conv_transpose_output_size,
    tf_args_for_torch,
    tf_conv_transpose,
    tf_filters_to_torch,
    tf_output_size_range,
    tf_padding,
    torch_args_for_tf,
    torch_weight_to_tf,
)
from .timing import Timing, first_calls, time_calls, traced_peak
from .transpose import METHODS, conv_transpose, overlap_counts
from .upsampling import (
    bilinear_kernel,
    checkerboard_energy,
    icnr_weight,
    pixel_shuffle,
    subpixel_weight,
)

__all__ = [
    "MEMORY_BUDGET",
    "METHODS",
    "Timing",
    "bilinear_kernel",
    "checkerboard_energy",
    "conv",
    "conv_matrix",
    "conv_output_size",
    "conv_transpose",
    "conv_transpose_output_size",
    "count_multiply_adds",
    "first_calls",
    "flip_weight",
    "icnr_weight",
    "insert_zeros",
    "keras_conv_transpose_output_size",
    "output_padding_for",
    "overlap_counts",
    "pixel_shuffle",
    "subpixel_weight",
    "tap_groups",
    "tf_args_for_torch",
    "tf_conv_transpose",
    "tf_filters_to_torch",
    "tf_output_size_range",
    "tf_padding",
    "time_calls",
    "torch_args_for_tf",
    "torch_weight_to_tf",
    "traced_peak",
]

__version__ = "0.1.0"  # the one place of the version (pyproject.toml reads it)
