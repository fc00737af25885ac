"""The scatter view: every input element stamps a scaled copy of the kernel into the output."""

from __future__ import annotations

import matplotlib.colors as mcolors
import numpy as np

from ..memory import MEMORY_BUDGET
from .board import Board, new_figure
from .problem import draw_example, draw_output, draw_output_shape
from .scatter_data import (
    CROPPED_HATCH,
    OUTPUT_PADDING_HATCH,
    ScatterData,
    scatter_layout,
)
from .style import (
    COLORS,
    FAINT,
    INK,
    LABEL_PT,
    MUTED,
    argument_text,
    count_color,
    fill,
    ink_on,
    number,
    tint,
)


def draw_canvas(board, data, values, counts, left, top, show_values):
    """The summed canvas: shading = number of stamps, cropped cells and output_padding marked."""
    most = int(data.counts.max())
    rows, cols = values.shape
    faces = [[count_color(c, most) for c in row] for row in counts]
    texts = [
        ["" if counts[r, c] == 0 else number(values[r, c]) for c in range(cols)]
        for r in range(rows)
    ]
    hatches = [[None] * cols for _ in range(rows)]
    hatch_colors = [[None] * cols for _ in range(rows)]
    colors = [[ink_on(face) for face in row] for row in faces]
    for r, c in np.ndindex(rows, cols):
        region = data.region(r, c)
        if region == "cropped":
            hatches[r][c], hatch_colors[r][c] = CROPPED_HATCH, COLORS["cropped"]
            faces[r][c] = tuple(
                0.55 + 0.45 * np.array(mcolors.to_rgb(faces[r][c]))
            )  # faded
            colors[r][c] = "#595959"
        elif region == "op":
            hatches[r][c] = OUTPUT_PADDING_HATCH
            hatch_colors[r][c] = tint(COLORS["output"], 0.6)
    board.grid(
        values,
        left,
        top,
        "output",
        show_values,
        gid="canvas",
        faces=faces,
        hatches=hatches,
        texts=texts,
        text_colors=colors,
        hatch_colors=hatch_colors,
    )
    kept_rows, kept_cols = data.kept
    board.frame(
        left + kept_cols.start,
        top + kept_rows.start,
        kept_cols.stop - kept_cols.start,
        kept_rows.stop - kept_rows.start,
        COLORS["output"],
        lw=2.6,
        gid="kept-frame",
    )


def draw_stamps(board, data, layout, show_values, upto):
    """One canvas-sized grid per input element, its stamp framed; ``upto`` the current one."""
    problem = data.problem
    highlight = COLORS["highlight"]
    rows, cols = data.canvas.shape
    for number_drawn, (stamp, (left, top)) in enumerate(
        zip(data.stamps, layout.stamps)
    ):
        drawn = upto is None or number_drawn <= upto
        current = upto is not None and number_drawn == upto
        shown = stamp.footprint & drawn
        faces = [
            [fill("kernel") if shown[r, c] else "#FFFFFF" for c in range(cols)]
            for r in range(rows)
        ]
        texts = [
            [
                number(stamp.values[r, c]) if shown[r, c] else ""
                for c in range(cols)
            ]
            for r in range(rows)
        ]
        board.grid(
            stamp.values,
            left,
            top,
            "empty",
            show_values,
            gid=f"stamp{number_drawn}",
            faces=faces,
            texts=texts,
            edge=FAINT,
            lw=0.6,
            hatches=[[None] * cols] * rows,
        )
        covered_rows, covered_cols = np.nonzero(stamp.footprint)
        if drawn:
            board.frame(
                left + covered_cols.min(),
                top + covered_rows.min(),
                covered_cols.max() - covered_cols.min() + 1,
                covered_rows.max() - covered_rows.min() + 1,
                highlight if current else COLORS["kernel"],
                lw=2.4 if current else 1.8,
                gid="stamp",
            )
        name = problem.name("x", stamp.cell)
        color = highlight if current else INK
        size = board.text_size(LABEL_PT)
        if problem.n == 1:
            board.text(
                left - 0.3,
                top + 0.5,
                f"{name}·w",
                ha="right",
                size=size,
                color=color,
            )
        else:
            label = f"{name} = {number(problem.x_grid[stamp.cell])} · w"
            board.text(
                left + cols / 2,
                top - 0.15,
                label,
                va="bottom",
                size=size,
                color=color,
            )
        if current and layout.input is not None:
            row, col = stamp.cell
            input_left, input_top = layout.input
            board.frame(
                input_left + col,
                input_top + row,
                1,
                1,
                highlight,
                lw=3.0,
                gid="current-input",
            )
    stride = argument_text(problem.stride)
    if problem.n == 2:
        extra = (
            f", dilation {argument_text(problem.dilation)}"
            if max(problem.dilation) > 1
            else ""
        )
        title = f"each input element stamps x[i,j]·w (stride {stride}{extra})"
    else:
        extra = (
            f" (taps {problem.dilation[0]} apart)"
            if problem.dilation[0] > 1
            else ""
        )
        title = f"stamps x[i]·w, stride {stride} apart{extra}"
    board.title(*layout.stamps_title, title)


def draw_scatter(board, data, layout, show_values=True, upto=None):
    """The scatter view on ``board``; ``upto`` (an animation frame) stamps elements 0..upto only."""
    problem = data.problem
    values, counts = data.partial(upto)
    board.share_number_size(
        problem.x, problem.w, data.canvas, *[s.values for s in data.stamps]
    )
    if layout.input is not None:
        draw_example(board, problem, layout.input, layout.kernel, show_values)
    draw_stamps(board, data, layout, show_values, upto)
    total_left, total_top = layout.total
    draw_canvas(board, data, values, counts, total_left, total_top, show_values)
    out_left, out_top = layout.output
    out_cols = problem.y_grid.shape[1]
    if upto is None:
        draw_output(board, problem.y_grid, layout.output, show_values)
    else:
        kept_counts = counts[data.kept]
        draw_output(
            board,
            values[data.kept],
            layout.output,
            show_values,
            kept_counts > 0,
        )
    draw_output_shape(board, problem, layout.output)
    if problem.n == 1:
        board.label(total_left, total_top + 0.5, "sum")
        board.label(out_left, out_top + 0.5, "output y")
    else:
        board.title(
            total_left + data.canvas.shape[1] / 2,
            total_top - 0.2,
            "sum of stamps",
        )
        board.title(out_left + out_cols / 2, total_top - 0.2, "output y")
        middle = total_top + data.canvas.shape[0] / 2
        board.text(total_left - 1.15, middle, "=", size=board.text_size(16))
        board.text(out_left - 1.15, middle, "→", size=board.text_size(16))
        if any(problem.padding):
            board.text(
                out_left - 1.15,
                middle + 0.7,
                "crop",
                size=board.text_size(LABEL_PT - 1),
                color=MUTED,
            )
    if layout.show_legend:
        board.legend(data.legend(), layout.legend_y)


def scatter_figure(
    x,
    w,
    stride=1,
    padding=0,
    output_padding=0,
    dilation=1,
    show_values=True,
    *,
    memory_budget=MEMORY_BUDGET,
):
    r"""The scatter view of a transposed convolution: every input element stamps a scaled kernel.

    Drawn, left to right (top to bottom in 1-D): the input ``x`` and the kernel ``w``; for each
    input element ``x[i]`` the stamp ``x[i] * w`` it writes into the *uncropped* output canvas,
    ``stride`` cells apart (taps ``dilation`` apart); the sum of the stamps, each cell shaded by
    how many stamps overlap there, with the border that ``padding`` crops hatched and the
    rows/columns that ``output_padding`` keeps marked; and the final output
    ``tconv_lib.conv_transpose(x, w, ...)``, framed in the canvas. Every number comes from the
    library (``method="scatter"``); used in chapters 00 and 02 (the definition), 03 (padding),
    04 (stride, output_padding), 05 (dilation) and 06.

    Parameters
    ----------
    x : array_like
        One input channel, 1-D or 2-D (its numbers are written in the cells).
    w : array_like
        One kernel, with as many dimensions as ``x``.
    stride : int or tuple of ints, optional
        Distance between neighbouring stamps, as in ``tconv_lib.conv_transpose``.
    padding : int or tuple of ints, optional
        Cells cropped from each border of the summed canvas.
    output_padding : int or tuple of ints, optional
        Extra cells kept at the end of each axis (smaller than ``max(stride, dilation)``).
    dilation : int or tuple of ints, optional
        Distance between the kernel's taps.
    show_values : bool, optional
        Write the numbers in the cells (they are left out when the cells are too small).
    memory_budget : int, optional
        Bytes the figure and the library's computations may use (``tconv_lib.MEMORY_BUDGET``).

    Returns
    -------
    matplotlib.figure.Figure
        One Axes. Stamp frames have gid ``"stamp"``; output cells ``"output-cell:r,c"`` and
        their numbers ``"output-value:r,c"``; summed canvas cells ``"canvas-cell:r,c"`` and
        numbers ``"canvas-value:r,c"``; the numbers of stamp ``i`` ``"stamp{i}-value:r,c"``.

    Raises
    ------
    ValueError, TypeError
        The library's errors for invalid arguments (``tconv_lib.conv_transpose`` checks them);
        ValueError for 3-D examples and for examples whose cells need more than ``memory_budget`` bytes.

    See Also
    --------
    direct_figure : the same output as a convolution of the zero-inserted input.
    scatter_animation : this view built up one stamp at a time.
    tconv_lib.conv_transpose : the numbers drawn here.

    Notes
    -----
    Input element ``x[i]`` adds ``x[i] w[t]`` at canvas position ``s i + d t``; the output
    keeps canvas positions ``p`` to ``p + o - 1``:

    .. math::

        y[j] = \sum_{s i + d t = j + p} x[i] \, w[t], \qquad
        o = s(i_{\text{size}} - 1) + d(k - 1) - 2p + \text{output\_padding} + 1 .

    Examples
    --------
    With ``padding=1`` the 3x3 canvas is cropped to its centre, 28:

    >>> from tconv_lib import viz
    >>> x, w = [[0, 1], [2, 3]], [[4, 7], [2, 2]]
    >>> fig = viz.scatter_figure(x, w, padding=1)
    >>> len([p for p in fig.axes[0].patches if p.get_gid() == "stamp"])
    4
    >>> [t.get_text() for t in fig.axes[0].texts
    ...  if (t.get_gid() or "").startswith("output-value")]
    ['28']
    """
    data = ScatterData(
        x, w, stride, padding, output_padding, dilation, memory_budget
    )
    layout = scatter_layout(data)
    fig, ax = new_figure(*layout.size)
    draw_scatter(Board(ax, *layout.size), data, layout, show_values)
    return fig
