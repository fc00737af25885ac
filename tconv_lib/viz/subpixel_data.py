"""What the sub-pixel view shows: the kernel split by phase, and where each part goes."""

from __future__ import annotations

import string
from dataclasses import dataclass

import numpy as np

from ..arguments import layer_arguments, per_dimension, real_array
from ..geometry import output_phase, tap_phase
from ..transpose import conv_transpose
from .board import (
    check_cell_count,
    legend_height,
    tile_corners,
)
from .problem import grid_form, refuse_beyond_2d
from .style import (
    GRID,
    PHASE_COLORS,
    as_2d,
    index_text,
    tint,
)


@dataclass
class SubKernel:
    """The taps of ``w`` that land on one output phase, rotated as the stride-1 convolution uses them."""

    phase: tuple  # in drawing (row, column) form
    taps: list  # per drawing axis, the tap indices on this phase
    rotated: np.ndarray  # empty when no tap lands on the phase


def letter(i):
    """The letter that names phase ``i`` in the cells."""
    return string.ascii_uppercase[i] if i < 26 else str(i)


def phase_face(i):
    return tint(PHASE_COLORS[i % len(PHASE_COLORS)], 0.45)


class SubpixelData:
    """The kernel split by phase, and the output computed with ``method="subpixel"``."""

    def __init__(self, w, stride, x, padding, dilation, in_size, memory_budget):
        w = real_array(w, "w")
        n = w.ndim
        self.values_known = x is not None
        if (
            x is None
        ):  # a small input of ones: the figure shows only the phases of the output
            default = 4 if n == 1 else 3
            x = np.ones(
                per_dimension(
                    default if in_size is None else in_size, n, "in_size", 1
                )
            )
        else:
            x = real_array(x, "x")
        # The library checks every argument first and raises its own errors.
        y = conv_transpose(
            x[None, None],
            w[None, None],
            stride,
            padding,
            0,
            dilation,
            method="subpixel",
            memory_budget=memory_budget,
        )[0, 0]
        if n not in (1, 2):
            refuse_beyond_2d(x, w)
        self.n = n
        arguments = layer_arguments(n, stride, padding, dilation)
        self.stride, self.padding, self.dilation = (
            arguments.stride,
            arguments.padding,
            arguments.dilation,
        )
        self.w, self.x, self.y = as_2d(w), as_2d(x), as_2d(y)
        stride_grid = grid_form(self.stride, 1)
        dilation_grid = grid_form(self.dilation, 1)
        padding_grid = grid_form(self.padding, 0)
        self.stride_grid = stride_grid
        what = f"w of shape {w.shape} and an output of shape {y.shape}"
        check_cell_count(2 * w.size + 2 * y.size, what, memory_budget)

        def phase_number(phase):
            return int(np.ravel_multi_index(phase, stride_grid))

        # the phase of every tap, (d t) mod s, and of every output pixel, (j + p) mod s
        self.tap_phases = [
            [
                phase_number(
                    [
                        tap_phase(t, s, d)
                        for t, s, d in zip((r, c), stride_grid, dilation_grid)
                    ]
                )
                for c in range(self.w.shape[1])
            ]
            for r in range(self.w.shape[0])
        ]
        self.output_phases = [
            [
                phase_number(
                    [
                        output_phase(j, s, p)
                        for j, p, s in zip((r, c), padding_grid, stride_grid)
                    ]
                )
                for c in range(self.y.shape[1])
            ]
            for r in range(self.y.shape[0])
        ]
        self.subkernels = []
        for phase in np.ndindex(*stride_grid):
            taps = [
                [t for t in range(k) if tap_phase(t, s, d) == q]
                for q, k, d, s in zip(
                    phase, self.w.shape, dilation_grid, stride_grid
                )
            ]
            rotated = (
                np.flip(self.w[np.ix_(*taps)])
                if all(taps)
                else np.zeros((0, 0))
            )
            self.subkernels.append(SubKernel(phase, taps, rotated))

    def slice_text(self, subkernel):
        """``w[1::2]``: the taps of a sub-kernel as a slice (``s / gcd(s, d)`` apart)."""
        if not all(subkernel.taps):
            return "no taps"
        steps = [s // np.gcd(s, d) for s, d in zip(self.stride, self.dilation)]
        starts = [taps[0] for taps in subkernel.taps[2 - self.n :]]
        return (
            "w["
            + ",".join(f"{t}::{step}" for t, step in zip(starts, steps))
            + "]"
        )

    def legend(self):
        return [
            (
                f"{letter(i)}: phase {index_text(sub.phase[2 - self.n :])}",
                dict(facecolor=phase_face(i), edgecolor=GRID),
            )
            for i, sub in enumerate(self.subkernels)
        ]


@dataclass
class SubpixelLayout:
    input: tuple | None  # None: x is not given, or shown elsewhere
    kernel: tuple
    subkernels: list  # one corner per phase
    subkernels_title: tuple  # (x, y) of the title centred over them
    output: tuple
    legend_y: float
    show_legend: bool
    size: tuple


def subpixel_layout(data, compact=False):
    """The layout of ``data``; ``compact`` leaves out x and the legend."""
    (k_rows, k_cols), (out_rows, out_cols) = data.w.shape, data.y.shape
    top, gap, caption, margin = 1.6, 2.0, 1.0, 0.8
    box_rows = max([sub.rotated.shape[0] for sub in data.subkernels] + [1])
    box_cols = max(
        [sub.rotated.shape[1] for sub in data.subkernels]
        + [1, 3.2 if data.n == 1 else 4.4]
    )
    show_input = data.values_known and not compact
    kernel_left = max(data.x.shape[1], 3) + gap if show_input else 0.0
    subs_left = kernel_left + max(k_cols, 3) + gap
    phase_rows, phase_cols = data.stride_grid
    subkernels, subs_width = tile_corners(
        subs_left,
        top,
        phase_rows,
        phase_cols,
        (box_rows, box_cols),
        caption,
        margin,
    )
    out_left = subs_left + subs_width + gap
    width = out_left + max(out_cols, 4) + 0.3
    body = max(
        top + caption + phase_rows * (box_rows + caption + margin),
        top + caption + out_rows + 1.0,
        top + caption + k_rows + 1.0,
    )
    legend_y = body + 0.3
    return SubpixelLayout(
        input=(0.0, top + caption) if show_input else None,
        kernel=(kernel_left, top + caption),
        subkernels=subkernels,
        subkernels_title=(subs_left + subs_width / 2, top - 0.2),
        output=(out_left, top + caption),
        legend_y=legend_y,
        show_legend=not compact,
        size=(
            width,
            legend_y
            + (0.0 if compact else legend_height(data.legend(), width)),
        ),
    )
