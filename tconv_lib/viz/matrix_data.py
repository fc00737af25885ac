"""What the matrix view shows: the matrix, its labels and blocks, and where they go."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..arguments import real_array
from ..conv import conv
from ..transpose import conv_transpose
from .style import (
    sub_label,
)


@dataclass
class MatrixPicture:
    """A matrix and what labels it: the rows' and columns' positions, block sizes, a product."""

    matrix: np.ndarray
    row_labels: list
    column_labels: list
    row_block: (
        int | None
    )  # 2-D: one block per row of the output (or input) grid
    column_block: int | None
    vector_in: np.ndarray | None = (
        None  # drawn as ``matrix · vector_in = vector_out``
    )
    vector_out: np.ndarray | None = None
    # True where a kernel tap sits, even a tap that is zero (drawn as "0" in the band)
    band: np.ndarray | None = None


@dataclass
class MatrixLayout:
    matrix: tuple  # top-left corner
    vector_in: tuple | None
    vector_out: tuple | None
    size: tuple  # (width, height)


def matrix_picture(
    matrix,
    out_shape,
    in_shape,
    transposed,
    vector_in=None,
    vector_out=None,
    band=None,
):
    """``C`` (rows: outputs ``y..``, columns: inputs ``x..``), or ``C^T`` labelled as the
    transposed convolution sees it: its input ``x`` (columns, the convolution's output
    positions) and its output ``y`` (rows, the convolution's input positions)."""
    if transposed:
        rows = [sub_label("y", p, in_shape) for p in np.ndindex(*in_shape)]
        columns = [sub_label("x", p, out_shape) for p in np.ndindex(*out_shape)]
        blocks = (in_shape[-1], out_shape[-1])
        matrix = matrix.T
        band = None if band is None else band.T
    else:
        rows = [sub_label("y", p, out_shape) for p in np.ndindex(*out_shape)]
        columns = [sub_label("x", p, in_shape) for p in np.ndindex(*in_shape)]
        blocks = (out_shape[-1], in_shape[-1])
    if len(in_shape) != 2:
        blocks = (None, None)
    return MatrixPicture(
        matrix, rows, columns, *blocks, vector_in, vector_out, band
    )


def matrix_layout(picture, min_width=9.0, title_rows=2):
    rows, columns = picture.matrix.shape
    left, top = 1.8, 1.6 + 0.75 * title_rows
    width = left + columns + 0.3
    vector_in = vector_out = None
    if picture.vector_in is not None:
        vector_in = (width + 1.4, top)
        vector_out = (width + 5.0, top)
        width += 7.6
        rows = max(rows, columns)
    return MatrixLayout(
        (left, top),
        vector_in,
        vector_out,
        (max(width, min_width), top + rows + 0.3),
    )


def product(w, x, in_shape, arguments, transposed, memory_budget):
    """The flattened ``x`` and the library's ``C x`` (``conv``) or ``C^T x`` (``conv_transpose``)."""
    x = real_array(x, "x")
    stride, padding, dilation = (
        arguments.stride,
        arguments.padding,
        arguments.dilation,
    )
    if transposed:
        y = conv_transpose(
            x[None, None],
            w[None, None],
            stride,
            padding,
            0,
            dilation,
            memory_budget=memory_budget,
        )[0, 0]
        if (
            y.shape != in_shape
        ):  # C^T maps conv-output-shaped inputs to in_shape outputs
            raise ValueError(
                f"conv_transpose of x gives shape {y.shape}, not in_shape={in_shape}: "
                f"choose in_shape = tconv_lib.conv_transpose_output_size(...)"
            )
    else:
        if x.shape != in_shape:
            raise ValueError(
                f"x has shape {x.shape}; C multiplies inputs of in_shape={in_shape}"
            )
        y = conv(
            x[None, None],
            w[None, None],
            stride,
            padding,
            dilation,
            memory_budget=memory_budget,
        )[0, 0]
    return x.ravel(), y.ravel()
