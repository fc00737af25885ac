"""One single-channel transposed convolution, computed by the library, in the views' 2-D form."""

from __future__ import annotations

import numpy as np

from ..arguments import layer_arguments, real_array
from ..transpose import conv_transpose
from .board import check_cell_count
from .style import LABEL_PT, MUTED, as_2d, fill, index_text, number, shape_text


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
        self.arguments = arguments
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


def draw_example(board, problem, input_corner, kernel_corner, show_values):
    """``x`` and ``w`` at their corners, labelled on the left (1-D) or titled (2-D)."""
    for array, corner, name, role in (
        (problem.x_grid, input_corner, "input x", "input"),
        (problem.w_grid, kernel_corner, "kernel w", "kernel"),
    ):
        left, top = corner
        board.grid(array, left, top, role, show_values, gid=role)
        if problem.n == 1:
            board.label(left, top + 0.5, name)
        else:
            board.title(left + array.shape[1] / 2, top - 0.2, name)


def draw_output(board, values, corner, show_values, shown=None):
    """The output grid; with a boolean ``shown``, the other cells blank (animation frames)."""
    left, top = corner
    if shown is None:
        board.grid(values, left, top, "output", show_values, gid="output")
        return
    faces = [[fill("output") if s else "#FFFFFF" for s in row] for row in shown]
    texts = [
        [number(v) if s else "" for v, s in zip(value_row, shown_row)]
        for value_row, shown_row in zip(values, shown)
    ]
    board.grid(
        values,
        left,
        top,
        "output",
        show_values,
        gid="output",
        faces=faces,
        texts=texts,
    )


def draw_output_shape(board, problem, corner):
    """The output's shape, right of it (1-D: ``(7)``) or under it (2-D: ``3×3``)."""
    left, top = corner
    rows, cols = problem.y_grid.shape
    size = shape_text(problem.y.shape)
    label_pt = board.text_size(LABEL_PT)
    if problem.n == 1:
        board.text(
            left + cols + 0.3,
            top + 0.5,
            f"({size})",
            ha="left",
            size=label_pt,
            color=MUTED,
        )
    else:
        board.text(
            left + cols / 2, top + rows + 0.45, size, size=label_pt, color=MUTED
        )
