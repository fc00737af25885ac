"""What the direct view shows, computed by the library, and where each part goes."""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from ..geometry import direct_padding
from ..transpose import flip_weight, insert_zeros
from .board import legend_height
from .problem import Problem, grid_form
from .style import (
    COLORS,
    GRID,
    HATCH,
    argument_text,
    as_2d,
    fill,
)

QUIET_INK = "#777777"  # numbers in padding, inserted zeros and cropped cells


class DirectData:
    """The zero-inserted, padded (or cropped) input, the rotated kernel and the output."""

    def __init__(
        self, x, w, stride, padding, output_padding, dilation, memory_budget
    ):
        problem = Problem(
            x,
            w,
            stride,
            padding,
            output_padding,
            dilation,
            "direct",
            memory_budget,
        )
        self.problem = problem
        spread = insert_zeros(problem.x, problem.stride)
        kinds = np.where(
            insert_zeros(np.ones(problem.x.shape), problem.stride) > 0,
            "input",
            "zero",
        )
        # Padding before and after each axis; a negative amount crops instead.
        edges = direct_padding(problem.w.shape, problem.arguments)
        problem.check_cells(
            int(
                np.prod(
                    [
                        n + max(b, 0) + max(a, 0)
                        for n, (b, a) in zip(spread.shape, edges)
                    ]
                )
            )
        )
        added = [(max(b, 0), max(a, 0)) for b, a in edges]
        # The extended array: padding added, nothing cropped yet (cropped cells are drawn too).
        self.values = as_2d(np.pad(spread, added))
        self.kinds = as_2d(
            np.pad(kinds.astype("U7"), added, constant_values="padding")
        )
        self.edges = grid_form(edges, (0, 0))
        self.crop = [(max(-b, 0), max(-a, 0)) for b, a in self.edges]
        self.rotated = as_2d(flip_weight(problem.w[None, None])[0, 0])

    def role(self, row, column):
        """``"input"``, ``"zero"`` (inserted), ``"padding"`` or ``"cropped"`` for an extended cell."""
        cropped = any(
            v < before or v >= size - after
            for v, (before, after), size in zip(
                (row, column), self.crop, self.values.shape
            )
        )
        return "cropped" if cropped else str(self.kinds[row, column])

    def window(self, step):
        """The 2-D index of output ``step`` (flat, C order) and the extended cells it reads."""
        problem = self.problem
        position = np.unravel_index(step, problem.y_grid.shape)
        cells = [
            tuple(
                before + j + d * t
                for (before, _), j, d, t in zip(
                    self.crop, position, problem.dilation_grid, tap
                )
            )
            for tap in np.ndindex(*problem.w_grid.shape)
        ]
        return position, cells

    def best_step(self):
        """The first output whose window meets the most real (not inserted, not padding) inputs."""
        scores = []
        for step in range(self.problem.y.size):
            real = [
                cell
                for cell in self.window(step)[1]
                if self.role(*cell) == "input"
            ]
            scores.append(
                (sum(self.values[cell] != 0 for cell in real), len(real), -step)
            )
        return -max(scores)[2]

    def border_formula(self):
        """The padding's formula in the example's terms: ``d(k-1)-p`` only when d > 1."""
        return "d(k-1)-p" if max(self.problem.dilation) > 1 else "k-1-p"

    def inserts_zeros(self):
        """True when some stride exceeds 1: only then are zeros inserted."""
        return max(self.problem.stride) > 1

    def legend(self):
        problem = self.problem
        items = [("input x", dict(facecolor=fill("input"), edgecolor=GRID))]
        kinds = {self.role(r, c) for r, c in np.ndindex(*self.values.shape)}
        if "zero" in kinds:
            props = dict(
                facecolor=fill("zero"), edgecolor=GRID, hatch=HATCH["zero"]
            )
            items.append(
                (
                    f"inserted zeros (stride {argument_text(problem.stride)})",
                    props,
                )
            )
        before = [b for b, _ in self.edges[2 - problem.n :]]
        if "padding" in kinds:
            amounts = argument_text(tuple(max(b, 0) for b in before))
            props = dict(
                facecolor="white", edgecolor=GRID, hatch=HATCH["padding"]
            )
            items.append(
                (f"padding {self.border_formula()} = {amounts}", props)
            )
        if "cropped" in kinds:
            amounts = argument_text(tuple(max(-b, 0) for b in before))
            props = dict(
                facecolor=fill("cropped"),
                edgecolor=COLORS["cropped"],
                hatch="xx",
            )
            crop = "p-d(k-1)" if max(problem.dilation) > 1 else "p-(k-1)"
            items.append((f"cropped: {crop} = {amounts}", props))
        props = dict(
            facecolor="white", edgecolor=COLORS["highlight"], linewidth=2.2
        )
        items.append(("window", props))
        return items


@dataclass
class DirectLayout:
    """Where the direct view's parts go, in cells (top-left corners, y down)."""

    input: tuple | None  # None: x and w are shown elsewhere (the four views)
    kernel: tuple | None
    rotated: (
        tuple | None
    )  # 1-D compact: the sliding row shows the rotated kernel
    extended: tuple  # the zero-inserted, padded input
    slide_y: float  # 1-D: the row where the rotated kernel slides
    output: tuple
    equation_y: float
    legend_y: float
    show_legend: bool
    size: tuple  # (width, height)


def direct_layout(data, compact=False):
    """The layout of ``data``; ``compact`` leaves out x, w and the legend."""
    problem = data.problem
    (in_rows, in_cols), (k_rows, k_cols) = (
        problem.x_grid.shape,
        problem.w_grid.shape,
    )
    (ext_rows, ext_cols), (_, out_cols) = (
        data.values.shape,
        problem.y_grid.shape,
    )
    legend_items = data.legend()
    if problem.n == 1:  # rows under each other, titled on the left
        left = 5.0
        top = -1.6 if compact else 1.3
        kernel = (left + in_cols + 3.0, top)
        rotated = (kernel[0] + k_cols + 4.5, top)
        # the output sits under the middle of the first window
        centre = problem.dilation[0] * (k_cols - 1) / 2
        output = (left + data.crop[1][0] + centre, top + 5.0)
        inputs_width = 0 if compact else rotated[0] + k_cols
        width = (
            max(left + ext_cols, inputs_width, output[0] + out_cols + 1.5) + 0.5
        )
        equation_y = top + 6.6
        layout = DirectLayout(
            input=None if compact else (left, top),
            kernel=None if compact else kernel,
            rotated=None if compact else rotated,
            extended=(left, top + 2.2),
            slide_y=top + 3.5,
            output=output,
            equation_y=equation_y,
            legend_y=equation_y + 0.9,
            show_legend=not compact,
            size=None,
        )
    else:
        top, gap = 2.2, 1.9
        inputs_width = 0.0 if compact else max(in_cols, k_cols, 3) + gap
        kernel = (0.0, top + in_rows + 1.5)
        rotated_left = inputs_width + ext_cols + gap + 0.7
        output = (rotated_left + max(k_cols, 4) + gap, top)
        equation_y = (
            top
            + max(ext_rows, 0 if compact else kernel[1] - top + k_rows)
            + 0.6
        )
        width = max(output[0] + max(out_cols, 4), inputs_width + 14)
        layout = DirectLayout(
            input=None if compact else (0.0, top),
            kernel=None if compact else kernel,
            rotated=(rotated_left, top),
            extended=(inputs_width, top),
            slide_y=None,
            output=output,
            equation_y=equation_y,
            legend_y=equation_y + 1.0,
            show_legend=not compact,
            size=None,
        )
    height = layout.legend_y + (
        0.0 if compact else legend_height(legend_items, width)
    )
    layout.size = (width, height)
    return layout


def check_step(step, size):
    """``step`` as a flat index into an output of ``size`` positions."""
    if isinstance(step, (bool, np.bool_)) or not isinstance(
        step, numbers.Integral
    ):
        raise TypeError(
            f"step={step!r} must be an int (a flat index into the output)"
        )
    if not 0 <= step < size:
        raise ValueError(
            f"step={step} must be in 0..{size - 1}: the output has {size} positions"
        )
    return int(step)
