"""The direct (gather) view: a stride-1 convolution of the zero-inserted, padded input."""

from __future__ import annotations

import numpy as np

from ..memory import MEMORY_BUDGET
from .board import Board, new_figure
from .direct_data import DirectData, check_step, direct_layout
from .problem import draw_example, draw_output, draw_output_shape
from .style import (
    COLORS,
    GRID,
    HATCH,
    INK,
    LABEL_PT,
    TITLE_PT,
    argument_text,
    fill,
    number,
)

QUIET_INK = "#777777"  # numbers in padding, inserted zeros and cropped cells


def draw_extended(board, data, left, top, show_values):
    """The zero-inserted, padded input: inserted zeros dotted, padding hatched, cropping crossed."""
    rows, cols = data.values.shape
    roles = [[data.role(r, c) for c in range(cols)] for r in range(rows)]
    faces = [
        [
            fill("cropped") if role == "cropped" else fill(kind)
            for role, kind in zip(row, kinds)
        ]
        for row, kinds in zip(roles, data.kinds)
    ]
    hatches = [[HATCH.get(role) for role in row] for row in roles]
    colors = [
        [INK if role == "input" else QUIET_INK for role in row] for row in roles
    ]
    board.grid(
        data.values,
        left,
        top,
        "input",
        show_values,
        gid="padded",
        faces=faces,
        hatches=hatches,
        text_colors=colors,
    )
    # the array the rotated kernel slides over (inside any cropped border)
    (top_crop, bottom_crop), (left_crop, right_crop) = data.crop
    board.frame(
        left + left_crop,
        top + top_crop,
        cols - left_crop - right_crop,
        rows - top_crop - bottom_crop,
        GRID,
        lw=1.6,
        z=3,
    )


def draw_window(board, data, layout, show_values, step):
    """The window output ``step`` reads, framed; returns the equation it sums."""
    problem = data.problem
    highlight = COLORS["highlight"]
    ext_left, ext_top = layout.extended
    position, cells = data.window(step)
    weight_pt = board.value_size(["-00"], fraction=0.6) if show_values else None
    terms = []
    for (r, c), weight in zip(cells, data.rotated.ravel()):
        board.frame(
            ext_left + c,
            ext_top + r,
            1,
            1,
            highlight,
            lw=2.6,
            gid="window",
            z=5,
        )
        if (
            weight_pt and problem.n == 2
        ):  # the rotated kernel's weight in the cell's corner
            board.text(
                ext_left + c + 0.94,
                ext_top + r + 0.9,
                number(weight),
                size=weight_pt,
                color="#8A4B00",
                ha="right",
                va="bottom",
                gid="window-weight",
            )
        if data.role(r, c) == "input":
            terms.append(f"{number(data.values[r, c])}·{number(weight)}")
    rows, cols = [cell[0] for cell in cells], [cell[1] for cell in cells]
    if len(cells) > 1:
        board.frame(
            ext_left + min(cols) - 0.08,
            ext_top + min(rows) - 0.08,
            max(cols) - min(cols) + 1.16,
            max(rows) - min(rows) + 1.16,
            highlight,
            lw=1.0,
            ls="--",
            z=5,
        )
    out_left, out_top = layout.output
    row, col = position
    board.frame(
        out_left + col,
        out_top + row,
        1,
        1,
        highlight,
        lw=3.0,
        gid="output-step",
        z=5,
    )
    if (
        problem.n == 1
    ):  # the rotated kernel, dilated, in its own row under the window
        dilation = problem.dilation[0]
        span = dilation * (problem.w.size - 1) + 1
        taps = np.zeros((1, span))
        taps[0, ::dilation] = data.rotated[0]
        is_tap = [t % dilation == 0 for t in range(span)]
        faces = [[fill("kernel") if tap else "#FFFFFF" for tap in is_tap]]
        texts = [[number(v) if tap else "" for v, tap in zip(taps[0], is_tap)]]
        slide_left = ext_left + cells[0][1]
        board.grid(
            taps,
            slide_left,
            layout.slide_y,
            "kernel",
            show_values,
            gid="slide",
            faces=faces,
            texts=texts,
            hatches=[[None] * span],
        )
        board.frame(slide_left, layout.slide_y, span, 1, highlight, lw=2.2)
    name = problem.name("y", position)
    if not terms:
        return f"{name} = 0   (the window covers only zeros)"
    if len(terms) > 6:
        terms = terms[:5] + ["…"]
    return (
        f"{name} = "
        + " + ".join(terms)
        + f" = {number(problem.y_grid[row, col])}"
    )


def extended_title(data):
    """``"zeros inserted,\\npadded by k-1-p = 1"``: zeros only when a stride > 1."""
    before = tuple(b for b, _ in data.edges[2 - data.problem.n :])
    formula = data.border_formula()
    if min(before) >= 0:
        edge = f"padded by {formula} = {argument_text(before)}"
    elif max(before) <= 0:
        crop = "p-d(k-1)" if formula.startswith("d") else "p-(k-1)"
        amounts = argument_text(tuple(-b for b in before))
        edge = f"cropped by {crop} = {amounts}"
    else:
        edge = f"padded/cropped by {formula} = {argument_text(before)}"
    return f"zeros inserted,\n{edge}" if data.inserts_zeros() else edge


def draw_direct(board, data, layout, show_values=True, step=0, reveal=None):
    """The direct view on ``board``: the window of output ``step``; outputs 0..reveal if given."""
    problem = data.problem
    board.share_number_size(problem.x, problem.w, problem.y)
    if layout.input is not None:
        draw_example(board, problem, layout.input, layout.kernel, show_values)
    ext_left, ext_top = layout.extended
    draw_extended(board, data, ext_left, ext_top, show_values)
    if layout.rotated is not None:
        board.grid(
            data.rotated, *layout.rotated, "kernel", show_values, gid="rot"
        )
    out_left, out_top = layout.output
    out_cols = problem.y_grid.shape[1]
    if reveal is None:
        draw_output(board, problem.y_grid, layout.output, show_values)
    else:
        done = np.arange(problem.y.size).reshape(problem.y_grid.shape) <= reveal
        draw_output(board, problem.y_grid, layout.output, show_values, done)
    equation = draw_window(board, data, layout, show_values, step)
    draw_output_shape(board, problem, layout.output)
    if problem.n == 1:
        name = "zeros inserted,\npadded input"
        board.label(
            ext_left,
            ext_top + 0.5,
            name if data.inserts_zeros() else "padded input",
        )
        board.label(out_left, out_top + 0.5, "output y")
        if layout.input is not None:
            board.label(
                layout.rotated[0], layout.rotated[1] + 0.5, "rotated 180°"
            )
        board.text(
            ext_left - 0.3,
            layout.slide_y + 0.5,
            "slides",
            ha="right",
            size=board.text_size(TITLE_PT),
            color=COLORS["highlight"],
        )
    else:
        board.title(
            ext_left + data.values.shape[1] / 2,
            ext_top - 0.2,
            extended_title(data),
        )
        rotated_left, rotated_top = layout.rotated
        board.title(
            rotated_left + problem.w_grid.shape[1] / 2,
            rotated_top - 0.2,
            "w rotated\n180°",
        )
        board.title(out_left + out_cols / 2, out_top - 0.2, "output y")
    board.text(
        ext_left,
        layout.equation_y + 0.3,
        equation,
        ha="left",
        size=board.text_size(LABEL_PT + 1),
    )
    if layout.show_legend:
        board.legend(data.legend(), layout.legend_y)


def direct_figure(
    x,
    w,
    stride=1,
    padding=0,
    output_padding=0,
    dilation=1,
    show_values=True,
    step=None,
    *,
    memory_budget=MEMORY_BUDGET,
):
    r"""The direct (gather) view: a stride-1 convolution of a zero-inserted, padded input.

    Drawn: the input ``x`` and kernel ``w``; the input with ``stride - 1`` zeros inserted between
    neighbours (``tconv_lib.insert_zeros``, dotted cells) and ``d(k-1) - p`` zeros of padding
    around it (``+ output_padding`` at the end; hatched cells); when ``p > d(k-1)`` that amount
    is negative and the border is *cropped* instead (cells crossed out in the cropped colour);
    the kernel rotated 180 degrees (``tconv_lib.flip_weight``); the window that output ``step``
    reads, highlighted with the rotated kernel's weights in the corners of its cells and the sum
    written out; and the output ``tconv_lib.conv_transpose(x, w, ..., method="direct")``.
    Used in chapter 02 (the equivalence), 03 (the recipe p' = d(k-1) - p) and 04 (zero insertion).

    Parameters
    ----------
    x : array_like
        One input channel, 1-D or 2-D (its numbers are written in the cells).
    w : array_like
        One kernel, with as many dimensions as ``x``.
    stride : int or tuple of ints, optional
        As in ``tconv_lib.conv_transpose``: ``stride - 1`` zeros go between neighbours.
    padding : int or tuple of ints, optional
        Takes ``padding`` off the ``d(k-1)`` border of zeros (crops when larger).
    output_padding : int or tuple of ints, optional
        Extra zeros of padding at the end of each axis.
    dilation : int or tuple of ints, optional
        Distance between the kernel's taps.
    show_values : bool, optional
        Write the numbers in the cells (they are left out when the cells are too small).
    step : int, optional
        Flat (C-order) index of the output whose window is drawn (default: a busy one).
    memory_budget : int, optional
        Bytes the figure and the library's computations may use (``tconv_lib.MEMORY_BUDGET``).

    Returns
    -------
    matplotlib.figure.Figure
        One Axes. Window cells have gid ``"window"``; the extended input's numbers
        ``"padded-value:r,c"``; the rotated kernel's ``"rot-value:r,c"``; output numbers
        ``"output-value:r,c"``.

    Raises
    ------
    ValueError, TypeError
        The library's errors for invalid arguments; for a ``step`` outside the output; for
        3-D examples and examples whose cells need more than ``memory_budget`` bytes.

    See Also
    --------
    scatter_figure : the same output, stamp by stamp.
    direct_animation : the window visiting every output position.
    tconv_lib.insert_zeros, tconv_lib.flip_weight : the two steps drawn here.

    Notes
    -----
    The transposed convolution equals a stride-1 convolution of the input with ``s - 1``
    zeros inserted between neighbours and ``p'`` zeros of padding at each end, with the
    kernel rotated 180 degrees:

    .. math::

        p' = d(k - 1) - p \quad (\text{plus output\_padding at the end}).

    Examples
    --------
    A 2x2 kernel reads a window of 4 cells; with ``padding=3 > k-1`` the input is cropped:

    >>> from tconv_lib import viz
    >>> x, w = [[0, 1], [2, 3]], [[4, 7], [2, 2]]
    >>> fig = viz.direct_figure(x, w, stride=2, step=4)
    >>> len([p for p in fig.axes[0].patches if p.get_gid() == "window"])
    4
    >>> fig = viz.direct_figure([0, 1, 2, 3, 4], [1, 1, 1], padding=3)
    >>> [t.get_text() for t in fig.axes[0].texts
    ...  if (t.get_gid() or "").startswith("output-value")]
    ['6']
    """
    data = DirectData(
        x, w, stride, padding, output_padding, dilation, memory_budget
    )
    step = (
        data.best_step()
        if step is None
        else check_step(step, data.problem.y.size)
    )
    layout = direct_layout(data)
    fig, ax = new_figure(*layout.size)
    draw_direct(Board(ax, *layout.size), data, layout, show_values, step=step)
    return fig
