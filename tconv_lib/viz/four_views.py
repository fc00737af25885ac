"""Four views of one small example: scatter, matrix, direct and gradient, ending in the same output."""

from __future__ import annotations

from matplotlib.patches import Patch

from ..conv import conv_matrix
from ..memory import MEMORY_BUDGET
from .board import CELL_INCHES, Board
from .direct import draw_direct
from .direct_data import DirectData, direct_layout
from .gradient import draw_gradient, gradient_layout
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

# inches. One column no wider than the book's text (672 px at 100 dpi), so the page shows
# the figure at its own size and its 9 pt text stays 9 pt.
MAX_WIDTH, MAX_HEIGHT = 6.6, 16.0
TOP_MARGIN = 0.75  # inches: the figure's title, two lines
HEADING = 0.42  # inches above each row of panels: the panels' names
LEGEND = 0.9  # inches


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

    Top to bottom: the scatter view (every input element stamps ``x[i] * w``;
    ``method="scatter"``); the matrix view ``y = C^T x`` (``tconv_lib.conv_matrix``); the
    direct view (zero insertion, padding, the rotated kernel; ``method="direct"``); the
    gradient view (``y`` is the gradient of ``L = <conv(z, w), x>`` with respect to ``z``,
    computed entry by entry with forward convolutions). Each panel computes the output its
    own way. Used in chapter 02 as the summary of the four definitions.

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
        Five Axes: scatter, matrix, direct, gradient, then the example ``x`` and ``w`` on top;
        each panel writes its output as Text artists with gid ``"output-value:r,c"`` (the
        matrix panel: ``"vector-out-value:r,0"``).

    Raises
    ------
    ValueError, TypeError
        The library's errors for invalid arguments; ValueError for 3-D examples and for
        examples whose cells need more than ``memory_budget`` bytes.

    See Also
    --------
    scatter_figure, matrix_figure, direct_figure : the first three panels on their own.

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
        gradient_layout(problem),
    ]
    sizes = [layout.size for layout in layouts]
    # One cell size for all four panels, so the same number is written the same size everywhere.
    header_cells = (
        1.6 + max(problem.x_grid.shape[0], problem.w_grid.shape[0]) + 0.4
    )
    width_cells = max(size[0] for size in sizes)
    height_cells = sum(size[1] for size in sizes)
    cell = min(
        CELL_INCHES,
        (MAX_WIDTH - 0.2) / width_cells,
        (MAX_HEIGHT - TOP_MARGIN - 4 * HEADING - LEGEND)
        / (height_cells + header_cells),
    )
    fig_width = MAX_WIDTH
    fig_height = (
        TOP_MARGIN + (header_cells + height_cells) * cell + 4 * HEADING + LEGEND
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
    for width, height in sizes:
        top += HEADING
        axes.append(add_axes(0.1, top, width * cell, height * cell))
        top += height * cell
    boards = [Board(ax, *size) for ax, size in zip(axes, sizes)]
    draw_scatter(boards[0], scatter, layouts[0])
    draw_matrix(boards[1], picture, layouts[1], True, "")
    draw_direct(boards[2], direct, layouts[2], step=direct.best_step())
    draw_gradient(boards[3], problem, layouts[3])
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
        "3  direct: padding, rotated kernel"
        + (", zeros inserted" if max(problem.stride) > 1 else ""),
        "4  gradient: y = Cᵀx is the backward pass of a convolution",
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
        ncol=min(len(items), 3),
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
        f"One transposed convolution ({arguments}),\nfour ways: each ends in the "
        f"same {size} output y",
        fontsize=12,
        weight="bold",
        va="top",
    )
    return fig
