"""Four views of one small example: scatter, matrix, direct and sub-pixel, ending in the same output."""

from __future__ import annotations

from matplotlib.patches import Patch

from ..conv import conv_matrix
from ..memory import MEMORY_BUDGET
from .board import CELL_INCHES, Board
from .direct import draw_direct
from .direct_data import DirectData, direct_layout
from .matrix import draw_matrix
from .matrix_data import matrix_layout, matrix_picture
from .scatter import draw_scatter
from .scatter_data import ScatterData, cropped_legend_item, scatter_layout
from .style import (
    GRID,
    INK,
    LABEL_PT,
    argument_text,
    count_color,
    fill,
    shape_text,
)
from .subpixel import draw_subpixel
from .subpixel_data import SubpixelData, subpixel_layout

MAX_WIDTH, MAX_HEIGHT = 10.0, 11.0  # inches
TOP_MARGIN = 0.5  # inches: the figure's title
HEADING = 0.42  # inches above each row of panels: the panels' names
GAP = 0.5  # inches between the two panels of a row
LEGEND = 0.75  # inches


def four_views_legend(scatter, direct):
    """One legend for the four panels."""
    items = [
        (f"{role} {name}", dict(facecolor=fill(role), edgecolor=GRID))
        for role, name in (("input", "x"), ("kernel", "w"), ("output", "y"))
    ]
    most = int(scatter.counts.max())
    items += [
        (
            f"{c} stamps overlap",
            dict(facecolor=count_color(c, most), edgecolor=GRID),
        )
        for c in range(2, most + 1)
    ]
    items += [item for item in direct.legend() if item[0] != "input x"]
    if any(scatter.problem.padding):
        items.append(cropped_legend_item(scatter.problem.padding))
    return items


def four_views_figure(
    x, w, stride=1, padding=0, *, memory_budget=MEMORY_BUDGET
):
    """One small example, four views that end in the same output numbers.

    Top left, the scatter view (every input element stamps ``x[i] * w``; ``method="scatter"``);
    top right, the matrix view ``y = C^T x`` (``tconv_lib.conv_matrix``); bottom left, the
    direct view (zero insertion, padding, the rotated kernel; ``method="direct"``); bottom
    right, the sub-pixel view (``stride^n`` sub-kernels, interleaved; ``method="subpixel"``).
    Each panel computes the output its own way. Used in chapter 02 as the summary of the four
    definitions.

    Parameters
    ----------
    x : array_like
        One input channel, 1-D or 2-D.
    w : array_like
        One kernel, with as many dimensions as ``x``.
    stride : int or tuple of ints, optional
        As in ``tconv_lib.conv_transpose``.
    padding : int or tuple of ints, optional
        As in ``tconv_lib.conv_transpose``.
    memory_budget : int, optional
        Bytes the figure and the library's computations may use (``tconv_lib.MEMORY_BUDGET``).

    Returns
    -------
    matplotlib.figure.Figure
        Five Axes: scatter, matrix, direct, sub-pixel, then the example ``x`` and ``w`` on top;
        each panel writes its output as Text artists with gid ``"output-value:r,c"`` (the
        matrix panel: ``"vector-out-value:r,0"``).

    Raises
    ------
    ValueError, TypeError
        The library's errors for invalid arguments; ValueError for 3-D examples and for
        examples whose cells need more than ``memory_budget`` bytes.

    See Also
    --------
    scatter_figure, matrix_figure, direct_figure, subpixel_figure : each panel on its own.

    Examples
    --------
    >>> from tconv_lib import viz
    >>> x, w = [[0, 1], [2, 3]], [[4, 7], [2, 2]]
    >>> fig = viz.four_views_figure(x, w, stride=2)
    >>> len(fig.axes)
    5
    """
    import matplotlib.pyplot as plt

    scatter = ScatterData(x, w, stride, padding, 0, 1, memory_budget)
    direct = DirectData(x, w, stride, padding, 0, 1, memory_budget)
    subpixel = SubpixelData(w, stride, x, padding, 1, None, memory_budget)
    problem = scatter.problem
    # In this figure x is the transposed convolution's input and y its output, in every panel:
    # C is the matrix of the convolution from y's shape to x's, and the panel draws C^T x.
    transposed = conv_matrix(
        problem.w[None, None],
        problem.y.shape,
        problem.stride,
        problem.padding,
        memory_budget=memory_budget,
    ).T
    picture = matrix_picture(
        transposed,
        problem.y.shape,
        problem.x.shape,
        False,
        problem.x.ravel(),
        transposed @ problem.x.ravel(),
    )
    layouts = [
        scatter_layout(scatter, compact=True),
        matrix_layout(picture, min_width=0.0, title_rows=0),
        direct_layout(direct, compact=True),
        subpixel_layout(subpixel, compact=True),
    ]
    sizes = [layout.size for layout in layouts]
    # One cell size for all four panels, so the same number is written the same size everywhere.
    header_cells = (
        1.6 + max(problem.x_grid.shape[0], problem.w_grid.shape[0]) + 0.4
    )
    rows = [(sizes[0], sizes[1]), (sizes[2], sizes[3])]
    width_cells = max(left[0] + right[0] for left, right in rows)
    row_cells = [max(left[1], right[1]) for left, right in rows]
    cell = min(
        CELL_INCHES,
        (MAX_WIDTH - 0.2 - GAP) / width_cells,
        (MAX_HEIGHT - TOP_MARGIN - 2 * HEADING)
        / (sum(row_cells) + header_cells),
    )
    fig_width = width_cells * cell + GAP + 0.2
    fig_height = (
        TOP_MARGIN
        + (header_cells + sum(row_cells)) * cell
        + 2 * HEADING
        + LEGEND
    )
    fig = plt.figure(figsize=(fig_width, fig_height))
    fig.patch.set_facecolor("white")

    def add_axes(
        left, top, width, height
    ):  # in inches from the top-left corner
        bounds = (
            left / fig_width,
            1 - (top + height) / fig_height,
            width / fig_width,
            height / fig_height,
        )
        return fig.add_axes(bounds)

    axes = []
    top = TOP_MARGIN + header_cells * cell
    for (left, right), height in zip(rows, row_cells):
        top += HEADING
        axes.append(add_axes(0.1, top, left[0] * cell, left[1] * cell))
        axes.append(
            add_axes(
                0.1 + left[0] * cell + GAP,
                top,
                right[0] * cell,
                right[1] * cell,
            )
        )
        top += height * cell
    boards = [Board(ax, *size) for ax, size in zip(axes, sizes)]
    draw_scatter(boards[0], scatter, layouts[0])
    draw_matrix(boards[1], picture, layouts[1], True, "")
    draw_direct(boards[2], direct, layouts[2], step=direct.best_step())
    draw_subpixel(boards[3], subpixel, layouts[3])
    # the shared example, once, at the top
    x_cols, w_cols = problem.x_grid.shape[1], problem.w_grid.shape[1]
    header_width = x_cols + w_cols + 3.0
    header = Board(
        add_axes(0.1, TOP_MARGIN, header_width * cell, header_cells * cell),
        header_width,
        header_cells,
    )
    header.grid(problem.x_grid, 0.0, 1.6, "input", gid="example-x")
    header.grid(problem.w_grid, x_cols + 2.0, 1.6, "kernel", gid="example-w")
    header.title(x_cols / 2, 1.4, "input x")
    header.title(x_cols + 2.0 + w_cols / 2, 1.4, "kernel w")
    names = [
        "1  scatter: x[i] stamps x[i]·w",
        "2  matrix: y = Cᵀx",
        "3  direct: zeros, padding, rotated kernel",
        f"4  sub-pixel: {len(subpixel.subkernels)} kernels, interleaved",
    ]
    for ax, name in zip(axes, names):
        box = ax.get_position()
        fig.text(
            box.x0,
            box.y1 + 0.12 / fig_height,
            name,
            fontsize=11,
            weight="bold",
            color=INK,
            va="bottom",
        )
    items = four_views_legend(scatter, direct)
    fig.legend(
        handles=[Patch(label=label, **props) for label, props in items],
        loc="lower left",
        bbox_to_anchor=(0.1 / fig_width, 0.05 / fig_height),
        ncol=min(len(items), 4),
        frameon=False,
        fontsize=LABEL_PT,
        handlelength=1.4,
        handleheight=1.1,
        columnspacing=1.4,
    )
    size = (
        shape_text(problem.y.shape)
        if problem.n == 2
        else f"{problem.y.shape[0]}-value"
    )
    arguments = f"stride={argument_text(problem.stride)}, padding={argument_text(problem.padding)}"
    fig.text(
        0.1 / fig_width,
        1 - 0.12 / fig_height,
        f"One transposed convolution ({arguments}), four ways: each ends in the same {size} "
        f"output y",
        fontsize=12,
        weight="bold",
        va="top",
    )
    return fig
