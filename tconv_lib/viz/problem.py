"""One single-channel transposed convolution, computed by the library, in the views' 2-D form."""

from __future__ import annotations

import numpy as np

from ..arguments import layer_arguments, real_array
from ..transpose import conv_transpose
from .board import check_cell_count
from .style import as_2d, index_text


def grid_form(values, fill_value):
    """A 1-D per-dimension tuple as the views' 2-D one: a 1-D problem is drawn as one row."""
    return (fill_value,) + tuple(values) if len(values) == 1 else tuple(values)


def refuse_beyond_2d(x, w):
    raise ValueError(
        f"viz draws 1-D and 2-D examples; x has shape {x.shape} and w has shape {w.shape}"
    )


class Problem:
    """``y = conv_transpose(x, w, ...)`` for one channel, with the arguments as tuples.

    ``x``, ``w``, ``y`` are the arrays as given (1-D or 2-D); ``x_grid``, ``w_grid``, ``y_grid``
    and the ``*_grid`` arguments are their 2-D drawing forms (a 1-D problem is one row).
    """

    def __init__(
        self,
        x,
        w,
        stride,
        padding,
        output_padding,
        dilation,
        method,
        memory_budget,
    ):
        x = real_array(x, "x")
        w = real_array(w, "w")
        self.memory_budget = memory_budget
        # The library checks every argument first and raises its own errors.
        self.y = conv_transpose(
            x[None, None],
            w[None, None],
            stride,
            padding,
            output_padding,
            dilation,
            method=method,
            memory_budget=memory_budget,
        )[0, 0]
        if x.ndim not in (1, 2):
            refuse_beyond_2d(x, w)
        self.n = x.ndim
        self.x, self.w = x, w
        arguments = layer_arguments(
            self.n, stride, padding, dilation, output_padding
        )
        self.stride, self.padding = arguments.stride, arguments.padding
        self.output_padding, self.dilation = (
            arguments.output_padding,
            arguments.dilation,
        )
        self.x_grid, self.w_grid, self.y_grid = (
            as_2d(x),
            as_2d(w),
            as_2d(self.y),
        )
        self.stride_grid = grid_form(self.stride, 1)
        self.padding_grid = grid_form(self.padding, 0)
        self.output_padding_grid = grid_form(self.output_padding, 0)
        self.dilation_grid = grid_form(self.dilation, 1)

    def uncropped(self, x, w=None):
        """The library's transposed convolution of an ``x``-shaped input with no padding: the
        whole canvas every stamp lands on, in 2-D drawing form."""
        y = conv_transpose(
            np.asarray(x, float)[None, None],
            np.asarray(self.w if w is None else w, float)[None, None],
            self.stride,
            0,
            self.output_padding,
            self.dilation,
            memory_budget=self.memory_budget,
        )
        return as_2d(y[0, 0])

    def name(self, prefix, cell):
        """``"x[0,1]"`` for a 2-D drawing cell ``(0, 1)``; ``"x[1]"`` for cell ``(0, 1)`` in 1-D."""
        position = (cell[1],) if self.n == 1 else tuple(cell)
        return f"{prefix}[{index_text(position)}]"

    def check_cells(self, cells):
        """Refuse a figure of ``cells`` cells that would not fit the memory budget."""
        what = f"x of shape {self.x.shape} and w of shape {self.w.shape}"
        check_cell_count(cells, what, self.memory_budget)
