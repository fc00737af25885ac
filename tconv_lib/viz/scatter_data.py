"""What the scatter view shows, computed by the library, and where each part goes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..geometry import canvas_length
from ..transpose import overlap_counts
from .board import legend_height, tile_corners
from .problem import Problem
from .style import (
    COLORS,
    GRID,
    argument_text,
    as_2d,
    count_color,
)

CROPPED_HATCH = "x"  # the summed canvas's cells that padding crops
OUTPUT_PADDING_HATCH = "\\\\"  # its cells that output_padding keeps


@dataclass
class Stamp:
    """What one input element writes: ``x[cell] * w``, on the uncropped canvas."""

    cell: tuple  # the input element, in drawing (row, column) form
    footprint: np.ndarray  # bool, canvas-shaped: the cells the stamp covers
    values: np.ndarray  # canvas-shaped: x[cell] * w where it lands, 0 elsewhere


class ScatterData:
    """Everything the scatter view shows, computed by the library (``method="scatter"``)."""

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
            "scatter",
            memory_budget,
        )
        self.problem = problem
        sizes = zip(
            problem.x_grid.shape,
            problem.w_grid.shape,
            problem.stride_grid,
            problem.dilation_grid,
        )
        # The stamps' extent per drawing axis, and more when output_padding reaches past it.
        self.extent = [canvas_length(i, k, s, d) for i, k, s, d in sizes]
        shape = tuple(
            e + max(0, op - p)
            for e, op, p in zip(
                self.extent, problem.output_padding_grid, problem.padding_grid
            )
        )
        problem.check_cells(
            (problem.x.size + 1) * int(np.prod(shape)) + problem.x.size
        )
        canvas = tuple(slice(0, s) for s in shape)
        self.canvas = problem.uncropped(problem.x)[canvas]
        uncropped_counts = overlap_counts(
            problem.x.shape,
            problem.w.shape,
            problem.stride,
            0,
            problem.output_padding,
            problem.dilation,
            memory_budget=memory_budget,
        )
        self.counts = as_2d(uncropped_counts)[canvas]
        self.kept = tuple(
            slice(p, p + o)
            for p, o in zip(problem.padding_grid, problem.y_grid.shape)
        )
        ones = np.ones_like(problem.w)
        self.stamps = []
        for cell in np.ndindex(*problem.x_grid.shape):
            one_hot = np.zeros(problem.x_grid.shape)
            one_hot[cell] = 1.0
            one_hot = one_hot.reshape(problem.x.shape)
            footprint = problem.uncropped(one_hot, w=ones)[canvas] > 0.5
            values = problem.uncropped(one_hot * problem.x)[canvas]
            self.stamps.append(Stamp(cell, footprint, values))

    def partial(self, upto):
        """Canvas values and counts after the stamps of input elements 0..upto (C order)."""
        if upto is None:
            return self.canvas, self.counts
        problem = self.problem
        mask = (
            (np.arange(problem.x.size) <= upto)
            .reshape(problem.x.shape)
            .astype(float)
        )
        canvas = tuple(slice(0, s) for s in self.canvas.shape)
        values = problem.uncropped(mask * problem.x)[canvas]
        counts = problem.uncropped(mask, w=np.ones_like(problem.w))[canvas]
        return values, np.rint(counts).astype(int)

    def region(self, row, column):
        """``"kept"``, ``"cropped"``, or ``"op"`` (kept thanks to output_padding) for a canvas cell."""
        cell = (row, column)
        if not all(
            kept.start <= v < kept.stop for kept, v in zip(self.kept, cell)
        ):
            return "cropped"
        problem = self.problem
        for v, extent, p, op in zip(
            cell, self.extent, problem.padding_grid, problem.output_padding_grid
        ):
            if op and extent - p <= v < extent - p + op:
                return "op"
        return "kept"

    def legend(self):
        problem = self.problem
        top = int(self.counts.max())
        items = [
            (
                f"{c} stamp{'s' if c > 1 else ''}",
                dict(facecolor=count_color(c, top), edgecolor=GRID),
            )
            for c in range(1, top + 1)
        ]
        if any(problem.padding):
            items.append(cropped_legend_item(problem.padding))
        if any(problem.output_padding):
            label = f"kept by output_padding={argument_text(problem.output_padding)}"
            props = dict(
                facecolor="white",
                edgecolor=COLORS["output"],
                hatch=OUTPUT_PADDING_HATCH,
            )
            items.append((label, props))
        props = dict(
            facecolor="white", edgecolor=COLORS["output"], linewidth=2.2
        )
        items.append(("output region", props))
        return items


def cropped_legend_item(padding):
    props = dict(
        facecolor="white", edgecolor=COLORS["cropped"], hatch=CROPPED_HATCH
    )
    return (f"cropped by padding={argument_text(padding)}", props)


@dataclass
class ScatterLayout:
    """Where the scatter view's parts go, in cells (top-left corners, y down)."""

    input: tuple | None  # None: x and w are shown elsewhere (the four views)
    kernel: tuple | None
    stamps: list  # one corner per input element
    stamps_title: tuple  # (x, y) of the title centred over the stamps
    total: tuple  # the summed canvas
    output: tuple
    legend_y: float
    show_legend: bool
    size: tuple  # (width, height)


def scatter_layout(data, compact=False):
    """The layout of ``data``; ``compact`` leaves out x, w and the legend."""
    problem = data.problem
    (in_rows, in_cols), (k_rows, k_cols) = (
        problem.x_grid.shape,
        problem.w_grid.shape,
    )
    (canvas_rows, canvas_cols), (out_rows, out_cols) = (
        data.canvas.shape,
        problem.y_grid.shape,
    )
    legend_items = data.legend()
    if problem.n == 1:  # rows under each other, titled on the left
        left, top = 4.2, 1.3
        kernel_left = left + in_cols + 2.5
        stamps_top = 1.3 if compact else top + 2.9
        stamps = [(left, stamps_top + 1.3 * i) for i in range(in_cols)]
        total_top = stamps_top + 1.3 * in_cols + 0.6
        output = (left + problem.padding[0], total_top + 2.2)
        inputs_width = 0 if compact else kernel_left + k_cols
        width = (
            max(left + canvas_cols, inputs_width, output[0] + out_cols + 1.5)
            + 0.2
        )
        legend_y = total_top + 3.5
        return ScatterLayout(
            input=None if compact else (left, top),
            kernel=None if compact else (kernel_left, top),
            stamps=stamps,
            stamps_title=(left + canvas_cols / 2, stamps_top - 0.45),
            total=(left, total_top),
            output=output,
            legend_y=legend_y,
            show_legend=not compact,
            # compact too keeps the legend's room: it spaces the panel from the next
            size=(width, legend_y + legend_height(legend_items, width)),
        )
    top, gap, caption, margin = (
        1.5,
        1.9,
        1.0,
        0.8,
    )  # caption: the label above each stamp
    stamps_left = 0.0 if compact else max(in_cols, k_cols, 3) + gap
    stamps, stamps_width = tile_corners(
        stamps_left, top, in_rows, in_cols, data.canvas.shape, caption, margin
    )
    stamps_height = in_rows * (canvas_rows + caption) + (in_rows - 1) * margin
    total_left = stamps_left + stamps_width + gap + 0.4
    output = (
        total_left + canvas_cols + gap + 0.4,
        top + caption + problem.padding[0],
    )
    kernel = (0.0, 2 * top + in_rows + 0.2)
    body = max(
        0 if compact else kernel[1] + k_rows + 0.9,
        top + stamps_height,
        top + caption + canvas_rows + 0.9,
        output[1] + out_rows + 0.9,
    )
    width = output[0] + max(out_cols, 3)
    legend_y = body + 0.3
    return ScatterLayout(
        input=None if compact else (0.0, top),
        kernel=None if compact else kernel,
        stamps=stamps,
        stamps_title=(stamps_left + stamps_width / 2, top - 0.2),
        total=(total_left, top + caption),
        output=output,
        legend_y=legend_y,
        show_legend=not compact,
        size=(
            width,
            legend_y + (0.0 if compact else legend_height(legend_items, width)),
        ),
    )
