"""The sub-pixel view: a strided transposed convolution is stride^n small convolutions, interleaved."""

from __future__ import annotations

import string
from dataclasses import dataclass

import numpy as np

from ..arguments import layer_arguments, per_dimension, real_array
from ..geometry import tap_phase
from ..memory import MEMORY_BUDGET
from ..transpose import conv_transpose
from .board import (
    Board,
    check_cell_count,
    legend_height,
    new_figure,
    tile_corners,
)
from .problem import grid_form, refuse_beyond_2d
from .style import (
    GRID,
    INK,
    LABEL_PT,
    MUTED,
    PHASE_COLORS,
    argument_text,
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
                        (j + p) % s
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


def draw_letters(board, phases, left, top, fraction, inset, gid):
    """The phase letter in the top-left corner of every cell (gid ``gid:r,c``)."""
    size = board.value_size(["A"], fraction=fraction)
    if size:
        for (r, c), phase in np.ndenumerate(np.array(phases)):
            board.text(
                left + c + inset[0],
                top + r + inset[1],
                letter(phase),
                size=size,
                ha="left",
                va="top",
                color=GRID,
                gid=f"{gid}:{r},{c}",
            )


def draw_subpixel(board, data, layout, show_values=True):
    """The sub-pixel view on ``board``."""
    if data.values_known:
        board.share_number_size(data.w, data.y, data.x)
    else:
        board.share_number_size(data.w)
    if layout.input is not None:
        input_left, input_top = layout.input
        board.grid(
            data.x, input_left, input_top, "input", show_values, gid="input"
        )
        board.title(
            input_left + data.x.shape[1] / 2, input_top - 0.2, "input x"
        )
    kernel_left, kernel_top = layout.kernel
    faces = [[phase_face(phase) for phase in row] for row in data.tap_phases]
    board.grid(
        data.w,
        kernel_left,
        kernel_top,
        "kernel",
        show_values,
        gid="kernel",
        faces=faces,
    )
    draw_letters(
        board,
        data.tap_phases,
        kernel_left,
        kernel_top,
        0.55,
        (0.08, 0.1),
        "kernel-phase",
    )
    board.title(
        kernel_left + data.w.shape[1] / 2,
        kernel_top - 0.2,
        "kernel w,\nby phase",
    )
    count = len(data.subkernels)
    title = (
        f"{count} sub-kernel{'s' if count > 1 else ''} "
        f"(stride {argument_text(data.stride)}),\nrotated 180°"
    )
    board.title(*layout.subkernels_title, title)
    label_pt = board.text_size(LABEL_PT)
    for i, (sub, (left, top)) in enumerate(
        zip(data.subkernels, layout.subkernels)
    ):
        board.text(
            left,
            top - 0.15,
            f"{letter(i)}: {data.slice_text(sub)}",
            ha="left",
            va="bottom",
            size=label_pt,
            color=INK,
            gid="subkernel-label",
        )
        rows, cols = sub.rotated.shape
        if sub.rotated.size:
            board.grid(
                sub.rotated,
                left,
                top,
                "kernel",
                show_values,
                gid=f"sub{i}",
                faces=[[phase_face(i)] * cols] * rows,
            )
            board.frame(left, top, cols, rows, GRID, lw=1.4, gid="subkernel")
        else:
            board.text(
                left + 0.1,
                top + 0.5,
                "→ zeros",
                ha="left",
                size=label_pt,
                color=MUTED,
                gid="subkernel",
            )
    out_left, out_top = layout.output
    out_cols = data.y.shape[1]
    faces = [[phase_face(phase) for phase in row] for row in data.output_phases]
    if data.values_known:
        board.grid(
            data.y,
            out_left,
            out_top,
            "output",
            show_values,
            gid="output",
            faces=faces,
        )
        draw_letters(
            board,
            data.output_phases,
            out_left,
            out_top,
            0.5,
            (0.06, 0.08),
            "output-phase",
        )
        board.title(
            out_left + out_cols / 2, out_top - 0.2, "output y,\ninterleaved"
        )
    else:
        letters = [
            [letter(phase) for phase in row] for row in data.output_phases
        ]
        board.grid(
            data.y,
            out_left,
            out_top,
            "output",
            True,
            gid="output",
            faces=faces,
            texts=letters,
        )
        board.title(
            out_left + out_cols / 2,
            out_top - 0.2,
            "output pixels:\nwhich sub-kernel",
        )
    if layout.show_legend:
        board.legend(data.legend(), layout.legend_y)


def subpixel_figure(
    w,
    stride,
    *,
    x=None,
    padding=0,
    dilation=1,
    in_size=None,
    show_values=True,
    memory_budget=MEMORY_BUDGET,
):
    """The sub-pixel view: a strided transposed convolution is stride^n small convolutions, interleaved.

    Drawn: the kernel with every tap coloured (and lettered) by its *phase* ``(d t) mod s``
    (``tconv_lib.geometry.tap_phase``); the ``stride^n`` sub-kernels, one per phase, each
    rotated 180 degrees, exactly as ``tconv_lib.conv_transpose(method="subpixel")`` uses them
    (for dilation 1 the sub-kernel of phase ``q`` is ``w[q::s]``); and the output grid coloured
    by the phase of each pixel (``(j + p) mod s``): which sub-kernel's stride-1 convolution
    computes it. Given ``x`` the figure also shows the input and the output numbers. Used in
    chapter 08 (sub-pixel convolution, pixel shuffle, the checkerboard's cause).

    Parameters
    ----------
    w : array_like
        One kernel, 1-D or 2-D.
    stride : int or tuple of ints
        The stride, as in ``tconv_lib.conv_transpose``: ``stride^n`` phases.
    x : array_like, optional
        An input, keyword only: show it and the output numbers; without it the output's
        phase pattern for a small input is shown.
    padding : int or tuple of ints, optional
        As in ``tconv_lib.conv_transpose``; it shifts the output's phases.
    dilation : int or tuple of ints, optional
        Distance between the kernel's taps.
    in_size : int or tuple of ints, optional
        Input size of the pattern when ``x`` is not given (default 3x3, or 4 in 1-D).
    show_values : bool, optional
        Write the numbers in the cells (they are left out when the cells are too small).
    memory_budget : int, optional
        The most bytes the figure may use, keyword only (default
        ``tconv_lib.MEMORY_BUDGET``); the library's computations get the same budget.

    Returns
    -------
    matplotlib.figure.Figure
        One Axes. Sub-kernel frames have gid ``"subkernel"`` (one per phase), the numbers of
        sub-kernel ``i`` ``"sub{i}-value:r,c"``, the output's ``"output-value:r,c"``.

    Raises
    ------
    ValueError, TypeError
        The library's errors for invalid arguments; ValueError for 3-D kernels and for
        examples whose cells need more than ``memory_budget`` bytes.

    See Also
    --------
    tconv_lib.pixel_shuffle : the interleaving step.
    tconv_lib.subpixel_weight : the sub-kernels as one convolution's weight.
    overlap_figure : why uneven phases make a checkerboard.

    Examples
    --------
    A 3x3 kernel at stride 2 splits into 4 sub-kernels:

    >>> import numpy as np
    >>> from tconv_lib import viz
    >>> fig = viz.subpixel_figure(np.arange(1, 10).reshape(3, 3), 2)
    >>> len([p for p in fig.axes[0].patches if p.get_gid() == "subkernel"])
    4
    """
    data = SubpixelData(w, stride, x, padding, dilation, in_size, memory_budget)
    layout = subpixel_layout(data)
    fig, ax = new_figure(*layout.size)
    draw_subpixel(Board(ax, *layout.size), data, layout, show_values)
    return fig
