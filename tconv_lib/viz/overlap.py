"""The overlap map: how many kernel stamps cover each output pixel (the checkerboard)."""

from __future__ import annotations

import matplotlib.colors as mcolors
import numpy as np

from ..arguments import layer_arguments, per_dimension
from ..memory import MEMORY_BUDGET
from ..transpose import overlap_counts
from .board import Board, check_cell_count, legend_height, new_figure
from .style import (
    GRID,
    LABEL_PT,
    MUTED,
    TITLE_PT,
    argument_text,
    as_2d,
    count_color,
    ink_on,
    shape_text,
)


def interior_note(counts, kernel_size, dilation):
    """Whether the interior (where a full kernel reaches every position) is evenly covered."""
    reach = [d * (k - 1) for k, d in zip(kernel_size, dilation)]
    interior = counts[
        tuple(
            slice(r, max(size - r, 0)) for r, size in zip(reach, counts.shape)
        )
    ]
    if not interior.size:
        return None
    levels = np.unique(interior)
    if len(levels) == 1:
        return "the interior is evenly covered: no checkerboard"
    return f"uneven overlap in the interior ({', '.join(map(str, levels))} stamps): the checkerboard"


def parameters_text(kernel_size, stride, padding, output_padding, dilation):
    parts = [
        f"kernel {shape_text(kernel_size)}",
        f"stride {argument_text(stride)}",
    ]
    if max(padding):
        parts.append(f"padding {argument_text(padding)}")
    if max(output_padding):
        parts.append(f"output_padding {argument_text(output_padding)}")
    if max(dilation) > 1:
        parts.append(f"dilation {argument_text(dilation)}")
    return ", ".join(parts)


def overlap_figure(
    in_shape,
    kernel_size,
    stride=1,
    padding=0,
    output_padding=0,
    dilation=1,
    *,
    memory_budget=MEMORY_BUDGET,
):
    r"""How many kernel stamps cover each output pixel: the picture of the checkerboard.

    The counts are ``tconv_lib.overlap_counts(in_shape, kernel_size, ...)``, drawn as an
    annotated heatmap (darker = more stamps). In 1-D a bar over each output position shows the
    same counts; in 2-D the products of the 1-D patterns make the checkerboard that
    Odena et al. describe whenever the kernel size is not divisible by the stride.
    Used in chapters 07 and 10.

    Parameters
    ----------
    in_shape : int or tuple of ints
        Spatial shape of the transposed convolution's input (1-D or 2-D).
    kernel_size : int or tuple of ints
        Spatial shape of the kernel.
    stride : int or tuple of ints, optional
        As in ``tconv_lib.conv_transpose``.
    padding : int or tuple of ints, optional
        Cells cropped from each border of the output.
    output_padding : int or tuple of ints, optional
        Extra cells kept at the end of each axis.
    dilation : int or tuple of ints, optional
        Distance between the kernel's taps.
    memory_budget : int, optional
        Bytes the figure and the library's computations may use (``tconv_lib.MEMORY_BUDGET``).

    Returns
    -------
    matplotlib.figure.Figure
        One Axes; its first image holds the counts (one row in 1-D); the numbers written in
        the cells are Text artists with gid ``"count:r,c"`` (``"count:c"`` in 1-D).

    Raises
    ------
    ValueError, TypeError
        The library's errors for invalid arguments; ValueError for 3-D shapes and for maps
        beyond ``memory_budget``.

    See Also
    --------
    tconv_lib.overlap_counts : the counts drawn here.
    tconv_lib.checkerboard_energy : how strong the pattern is in an output.

    Notes
    -----
    The counts are the transposed convolution of an all-ones input with an all-ones kernel;
    in 2-D they are the outer product of the 1-D counts of each axis:

    .. math::

        n[j_1, j_2] = n_1[j_1] \, n_2[j_2] .

    Examples
    --------
    A 3-tap kernel at stride 2 covers every other output twice:

    >>> import tconv_lib as tl
    >>> from tconv_lib import viz
    >>> fig = viz.overlap_figure((4, 4), 3, stride=2)
    >>> counts = tl.overlap_counts((4, 4), 3, stride=2)
    >>> bool((fig.axes[0].images[0].get_array() == counts).all())
    True
    >>> fig = viz.overlap_figure(4, 3, stride=2)
    >>> [t.get_text() for t in fig.axes[0].texts
    ...  if (t.get_gid() or "").startswith("count")]
    ['1', '1', '2', '1', '2', '1', '2', '1', '1']
    """
    counts = overlap_counts(
        in_shape,
        kernel_size,
        stride,
        padding,
        output_padding,
        dilation,
        memory_budget=memory_budget,
    )
    n = counts.ndim
    if n not in (1, 2):
        raise ValueError(
            f"viz draws 1-D and 2-D overlap maps; in_shape={in_shape!r} has {n} dimensions"
        )
    check_cell_count(counts.size, f"in_shape={in_shape!r}", memory_budget)
    in_shape = per_dimension(in_shape, n, "in_shape", minimum=1)
    kernel_size = per_dimension(kernel_size, n, "kernel_size", minimum=1)
    arguments = layer_arguments(n, stride, padding, dilation, output_padding)
    stride, padding, dilation = (
        arguments.stride,
        arguments.padding,
        arguments.dilation,
    )
    output_padding = arguments.output_padding
    grid = as_2d(counts)
    most = max(int(counts.max()), 1)
    rows, columns = grid.shape
    bars = (
        0.9 * most + 0.4 if n == 1 else 0.0
    )  # 1-D: room for a bar chart above the cells
    title_height, left_margin = 1.6, 1.2
    present = [int(c) for c in np.unique(counts)]
    colors = [count_color(c, most) for c in range(most + 1)]
    items = [
        (
            f"{c} stamp{'s' if c != 1 else ''}",
            dict(facecolor=colors[c], edgecolor=GRID),
        )
        for c in present
    ]
    width = max(left_margin + columns + 0.4, 13.0)
    height = title_height + bars + rows + 0.9 + legend_height(items, width)
    fig, ax = new_figure(width, height)
    board = Board(ax, width, height)
    cmap = mcolors.ListedColormap(colors)
    norm = mcolors.BoundaryNorm(np.arange(-0.5, most + 1.5), cmap.N)
    left = left_margin + (width - left_margin - columns) / 2 - 0.4
    top = title_height + bars
    extent = (left, left + columns, top + rows, top)
    ax.imshow(
        grid,
        cmap=cmap,
        norm=norm,
        extent=extent,
        interpolation="nearest",
        zorder=1,
    )
    size = board.value_size([str(most)])
    for (r, c), v in np.ndenumerate(grid):
        board.cell(left + c, top + r, "none", edge=GRID, lw=0.7, z=2)
        if size:
            gid = f"count:{r},{c}" if n == 2 else f"count:{c}"
            board.text(
                left + c + 0.5,
                top + r + 0.52,
                str(v),
                size=size,
                color=ink_on(colors[v]),
                gid=gid,
            )
    if n == 1:
        for c, v in enumerate(counts):
            if v:
                board.cell(
                    left + c + 0.12,
                    top - 0.2 - 0.9 * v,
                    colors[v],
                    edge=GRID,
                    lw=0.7,
                    w=0.76,
                    h=0.9 * v,
                    gid="bar",
                )
        ax.plot(
            [left, left + columns], [top - 0.2, top - 0.2], color=GRID, lw=0.8
        )
    label_pt = board.text_size(LABEL_PT)
    every = 1 if columns <= 20 else 2
    for c in range(0, columns, every):
        board.text(
            left + c + 0.5,
            top + rows + 0.35,
            str(c),
            size=label_pt,
            color=MUTED,
        )
    if n == 2:
        for r in range(0, rows, every):
            board.text(
                left - 0.3,
                top + r + 0.5,
                str(r),
                size=label_pt,
                color=MUTED,
                ha="right",
            )
    params = parameters_text(
        kernel_size, stride, padding, output_padding, dilation
    )
    title = f"stamps per output pixel: input {shape_text(in_shape)}, {params}"
    board.text(
        width / 2,
        0.35,
        title,
        size=board.text_size(TITLE_PT),
        weight="bold",
        va="top",
    )
    note = interior_note(counts, kernel_size, dilation)
    if note:
        board.text(width / 2, 0.95, note, size=label_pt, va="top", color=MUTED)
    board.legend(items, top + rows + 0.9)
    return fig
