"""The gradient view: the transposed convolution as the backward pass of a convolution."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..conv import conv
from .style import LABEL_PT, as_2d, index_text, number

GAP = 3.0  # cells between the incoming gradient and the result: the arrow


def input_gradient(problem):
    """``dL/dz`` for ``L = <conv(z, w), x>``, one entry at a time, by its definition.

    ``L`` is linear in ``z``, so its derivative along the unit array ``e_ij`` is exactly
    ``<conv(e_ij, w), x>``: forward convolutions only, no transposed convolution, which
    is what makes the panel's equality with ``C^T x`` a check and not a copy.
    """
    z_shape = problem.y.shape
    gradient = np.zeros(z_shape)
    for position in np.ndindex(*z_shape):
        unit = np.zeros(z_shape)
        unit[position] = 1.0
        forward = conv(
            unit[None, None],
            problem.w[None, None],
            problem.stride,
            problem.padding,
            problem.dilation,
            memory_budget=problem.memory_budget,
        )[0, 0]
        gradient[position] = np.sum(forward * problem.x)
    return gradient


@dataclass
class GradientLayout:
    incoming: (
        tuple  # top-left corner of x, the gradient arriving at conv's output
    )
    result: tuple  # top-left corner of dL/dz
    equation_y: float
    size: tuple  # (width, height)


def gradient_layout(problem):
    """Where the gradient panel's two grids and its lines go, in cells."""
    x_rows, x_cols = problem.x_grid.shape
    y_rows, y_cols = problem.y_grid.shape
    top = 2.6
    result_left = x_cols + GAP
    equation_y = top + max(x_rows, y_rows) + 0.5
    width = max(result_left + y_cols + 0.3, 11.0)
    return GradientLayout(
        (0.0, top), (result_left, top), equation_y, (width, equation_y + 1.2)
    )


def draw_gradient(board, problem, layout):
    """The gradient panel: ``L = <Cz, x>``, then ``x`` flowing back to ``dL/dz = C^T x``.

    Returns the drawn gradient, in the problem's shape.
    """
    gradient = input_gradient(problem)
    board.share_number_size(problem.x, gradient)
    size = board.text_size(LABEL_PT)
    board.text(
        0.0,
        0.3,
        "forward: a convolution $z \\mapsto Cz$ = conv(z, w),\n"
        "loss $L = \\langle Cz, x\\rangle$ (x: the gradient at Cz)",
        ha="left",
        va="top",
        size=size,
    )
    in_left, in_top = layout.incoming
    out_left, out_top = layout.result
    board.grid(problem.x_grid, in_left, in_top, "input", gid="incoming")
    board.grid(as_2d(gradient), out_left, out_top, "output", gid="output")
    board.title(
        in_left + problem.x_grid.shape[1] / 2,
        in_top - 0.2,
        "x = ∂L/∂(Cz)",
    )
    board.title(
        out_left + problem.y_grid.shape[1] / 2,
        out_top - 0.2,
        "∂L/∂z = Cᵀx",
    )
    middle = in_top + problem.x_grid.shape[0] / 2
    board.text(
        out_left - GAP / 2,
        middle - 0.35,
        "backward",
        size=size,
    )
    board.text(out_left - GAP / 2, middle + 0.3, "⟶", size=board.text_size(16))
    position = np.unravel_index(np.argmax(np.abs(gradient)), gradient.shape)
    where = index_text(position)
    board.text(
        0.0,
        layout.equation_y + 0.3,
        f"∂L/∂z[{where}] = $\\langle$conv(e[{where}], w), x$\\rangle$"
        f" = {number(gradient[position])}",
        ha="left",
        size=size,
        gid="gradient-equation",
    )
    return gradient
