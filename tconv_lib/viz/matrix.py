"""The matrix view: the convolution matrix C, or C^T, as a labelled heatmap."""

from __future__ import annotations

import matplotlib
import matplotlib.colors as mcolors
import numpy as np

from ..arguments import layer_arguments, per_dimension, real_array
from ..conv import conv_matrix
from ..memory import MEMORY_BUDGET
from ..shapes import conv_output_size
from .board import Board, check_cell_count, new_figure
from .matrix_data import matrix_layout, matrix_picture, product
from .style import (
    COLORS,
    GRID,
    LABEL_PT,
    MUTED,
    TITLE_PT,
    argument_text,
    ink_on,
    number,
    shape_text,
    tint,
)

INPUT_LABEL_COLOR = COLORS["input"]
OUTPUT_LABEL_COLOR = "#006B4F"  # the output colour, darkened to read as text
ZERO_TAP_FACE = tint(
    COLORS["kernel"], 0.22
)  # a zero tap: in the band, unlike blanks


def matrix_colors(values):
    """White to dark orange for a non-negative matrix, else a diverging map centred on 0."""
    if values.min() >= 0:
        colors = ["#FFFFFF", tint(COLORS["kernel"], 0.55), "#8A5A00"]
        cmap = mcolors.LinearSegmentedColormap.from_list("tconv_kernel", colors)
        return cmap, mcolors.Normalize(0, float(values.max()) or 1.0)
    top = float(np.abs(values).max())
    return matplotlib.colormaps["PuOr_r"], mcolors.Normalize(-top, top)


def label_color(label):
    return INPUT_LABEL_COLOR if label.startswith("$x") else OUTPUT_LABEL_COLOR


def draw_matrix(board, picture, layout, show_values, title):
    """The heatmap with its cell grid, block lines, non-zero values and labels; a product if any."""
    ax = board.ax
    matrix = picture.matrix
    rows, columns = matrix.shape
    left, top = layout.matrix
    cmap, norm = matrix_colors(matrix)
    extent = (left, left + columns, top + rows, top)
    ax.imshow(
        matrix,
        cmap=cmap,
        norm=norm,
        extent=extent,
        interpolation="nearest",
        zorder=1,
    )
    grid_lw = 0.3 if board.cell_pt > 8 else 0.0
    for r in range(rows + 1):
        ax.plot(
            [left, left + columns],
            [top + r, top + r],
            color="#D9D9D9",
            lw=grid_lw,
            zorder=2,
        )
    for c in range(columns + 1):
        ax.plot(
            [left + c, left + c],
            [top, top + rows],
            color="#D9D9D9",
            lw=grid_lw,
            zorder=2,
        )
    if picture.row_block:
        for r in range(picture.row_block, rows, picture.row_block):
            ax.plot(
                [left, left + columns],
                [top + r, top + r],
                color=GRID,
                lw=1.3,
                zorder=3,
                gid="block-line",
            )
    if picture.column_block:
        for c in range(picture.column_block, columns, picture.column_block):
            ax.plot(
                [left + c, left + c],
                [top, top + rows],
                color=GRID,
                lw=1.3,
                zorder=3,
                gid="block-line",
            )
    board.frame(left, top, columns, rows, GRID, lw=1.3, z=3)
    size = (
        board.value_size([number(v) for v in matrix.ravel() if v != 0])
        if show_values
        else None
    )
    if size:
        for (r, c), v in np.ndenumerate(matrix):
            if v != 0:
                board.text(
                    left + c + 0.5,
                    top + r + 0.52,
                    number(v),
                    size=size,
                    color=ink_on(cmap(norm(v))),
                    gid=f"matrix-value:{r},{c}",
                )
    if picture.band is not None:
        draw_zero_taps(board, picture, left, top, size)
    label_pt = max(6.0, min(LABEL_PT, 0.8 * board.cell_pt))
    every = max(
        1, int(np.ceil(label_pt * 1.15 / board.cell_pt))
    )  # labels that fit
    for r, label in enumerate(picture.row_labels[::every]):
        board.text(
            left - 0.15,
            top + r * every + 0.5,
            label,
            ha="right",
            size=label_pt,
            color=label_color(label),
        )
    for c, label in enumerate(picture.column_labels[::every]):
        board.text(
            left + c * every + 0.5,
            top - 0.15,
            label,
            va="bottom",
            rotation=90,
            size=label_pt,
            color=label_color(label),
        )
    if title:
        head, rest = title.split("\n")
        board.text(
            0.0,
            0.05,
            head,
            ha="left",
            va="top",
            size=board.text_size(TITLE_PT),
            weight="bold",
        )
        board.text(
            0.0,
            0.85,
            rest,
            ha="left",
            va="top",
            size=board.text_size(LABEL_PT),
            color="#333333",
        )
    if picture.vector_in is not None:
        draw_product(board, picture, layout, show_values, label_pt)


def draw_zero_taps(board, picture, left, top, size):
    """Kernel taps that are zero, in the band's colour with a "0": not structural zeros."""
    taps = picture.band & (picture.matrix == 0)
    for r, c in np.argwhere(taps):
        board.cell(
            left + c,
            top + r,
            ZERO_TAP_FACE,
            edge="none",
            gid=f"matrix-zero-tap:{r},{c}",
            z=1.5,
        )
        if size:
            board.text(
                left + c + 0.5,
                top + r + 0.52,
                "0",
                size=size,
                color=MUTED,
                gid=f"matrix-zero-tap-value:{r},{c}",
            )


def draw_product(board, picture, layout, show_values, label_pt):
    """``· vector_in = vector_out`` right of the matrix, each entry labelled."""
    in_left, in_top = layout.vector_in
    out_left, out_top = layout.vector_out
    board.grid(
        picture.vector_in[:, None],
        in_left,
        in_top,
        "input",
        show_values,
        gid="vector-in",
    )
    board.grid(
        picture.vector_out[:, None],
        out_left,
        out_top,
        "output",
        show_values,
        gid="vector-out",
    )
    middle = min(len(picture.vector_in), len(picture.vector_out)) / 2
    board.text(
        in_left - 0.7,
        in_top + middle,
        "·",
        size=board.text_size(22),
        weight="bold",
    )
    board.text(out_left - 1.3, out_top + middle, "=", size=board.text_size(16))
    for i, label in enumerate(picture.column_labels):
        board.text(
            in_left + 1.15, in_top + i + 0.5, label, ha="left", size=label_pt
        )
    for i, label in enumerate(picture.row_labels):
        board.text(
            out_left + 1.15, out_top + i + 0.5, label, ha="left", size=label_pt
        )
    for (left, top), labels in (
        ((in_left, in_top), picture.column_labels),
        ((out_left, out_top), picture.row_labels),
    ):
        board.text(
            left + 0.5,
            top - 0.15,
            labels[0][1],
            va="bottom",
            size=board.text_size(TITLE_PT),
            weight="bold",
            style="italic",
        )


def matrix_figure(
    w,
    in_shape,
    stride=1,
    padding=0,
    dilation=1,
    transposed=False,
    show_values=True,
    *,
    x=None,
    memory_budget=MEMORY_BUDGET,
):
    r"""The convolution matrix C (or C^T) as a labelled heatmap.

    ``C = tconv_lib.conv_matrix(w, in_shape, ...)`` maps the flattened input ``x`` of the
    convolution (columns ``x00, x01, ...``) to its flattened output (rows ``y00, y01, ...``);
    ``transposed=True`` draws ``C^T``, labelled as the transposed convolution sees it: its
    input ``x`` (columns) and its output ``y`` (rows). Structural zeros are left blank and
    kernel taps that are zero carry a "0" in the band's colour, so the band (1-D) or doubly
    block-Toeplitz (2-D) pattern stands out; in 2-D, lines separate the blocks (one block per pair of an output row
    and an input row). Non-zero entries carry their values when the cells are big enough.
    Used in chapter 01 (C) and chapter 02 (C^T: the transposed convolution is multiplication
    by C^T).

    Parameters
    ----------
    w : array_like
        One kernel, 1-D or 2-D.
    in_shape : int or tuple of ints
        Spatial shape of the *convolution's* input (the transposed convolution's output).
    stride : int or tuple of ints, optional
        As in ``tconv_lib.conv_matrix``.
    padding : int or tuple of ints, optional
        As in ``tconv_lib.conv_matrix``.
    dilation : int or tuple of ints, optional
        As in ``tconv_lib.conv_matrix``.
    transposed : bool, optional
        Draw C^T instead of C.
    show_values : bool, optional
        Write the non-zero entries in their cells (left out when the cells are too small).
    x : array_like, optional
        A vector to multiply: drawn as ``C x``, or ``C^T x`` with ``transposed=True``.
    memory_budget : int, optional
        Bytes the figure and the library's computations may use (``tconv_lib.MEMORY_BUDGET``).

    Returns
    -------
    matplotlib.figure.Figure
        One Axes; its first image holds the matrix (``fig.axes[0].images[0].get_array()``);
        zero taps are Rectangles with gid ``"matrix-zero-tap:r,c"``; the product's numbers
        are Text artists with gid ``"vector-out-value:r,0"``.

    Raises
    ------
    ValueError, TypeError
        The library's errors for invalid arguments; ValueError for a 3-D kernel, for an ``x``
        whose shape does not fit ``in_shape``, and for a matrix beyond ``memory_budget``.

    See Also
    --------
    tconv_lib.conv_matrix : the matrix drawn here.
    scatter_figure : C^T x, stamp by stamp.

    Notes
    -----
    With ``x`` and ``transposed=False``, ``x`` has shape ``in_shape`` and the product is
    ``tconv_lib.conv(x, w, ...)``; with ``transposed=True``, ``x`` has the convolution's
    output shape and the product is ``tconv_lib.conv_transpose(x, w, ...)``, which must give
    ``in_shape`` back:

    .. math::

        y = C x, \qquad x' = C^T y' .

    Examples
    --------
    The 4 x 16 matrix of chapter 01, and its transpose:

    >>> import numpy as np
    >>> import tconv_lib as tl
    >>> from tconv_lib import viz
    >>> w = np.arange(1, 10).reshape(3, 3)
    >>> viz.matrix_figure(w, (4, 4)).axes[0].images[0].get_array().shape
    (4, 16)
    >>> fig = viz.matrix_figure(w, (4, 4), transposed=True)
    >>> C = tl.conv_matrix(w[None, None], (4, 4))
    >>> bool(np.array_equal(fig.axes[0].images[0].get_array(), C.T))
    True
    """
    w = real_array(w, "w")
    out_shape = conv_output_size(
        in_shape, w.shape, stride, padding, dilation
    )  # the library checks
    n = len(out_shape)
    what = f"in_shape={in_shape!r} and w of shape {w.shape}"
    in_shape = per_dimension(in_shape, n, "in_shape", minimum=1)
    arguments = layer_arguments(n, stride, padding, dilation)
    stride, padding, dilation = (
        arguments.stride,
        arguments.padding,
        arguments.dilation,
    )
    rows, columns = int(np.prod(out_shape)), int(np.prod(in_shape))
    # the image is one artist; its grid lines and labels are two per row and column
    check_cell_count(
        2 * (rows + columns) + (columns if x is None else 3 * columns),
        what,
        memory_budget,
    )
    matrix = conv_matrix(
        w[None, None],
        in_shape,
        stride,
        padding,
        dilation,
        memory_budget=memory_budget,
    )
    if w.ndim not in (1, 2):
        raise ValueError(
            f"viz draws 1-D and 2-D kernels; w has shape {w.shape}"
        )
    vector_in = vector_out = None
    if x is not None:
        vector_in, vector_out = product(
            w, x, in_shape, arguments, transposed, memory_budget
        )
    # where the kernel's taps land: the matrix of an all-ones kernel
    band = (
        conv_matrix(
            np.ones((1, 1) + w.shape),
            in_shape,
            stride,
            padding,
            dilation,
            memory_budget=memory_budget,
        )
        != 0
    )
    picture = matrix_picture(
        matrix, out_shape, in_shape, transposed, vector_in, vector_out, band
    )
    name = "Cᵀ" if transposed else "C"
    kind = "transposed convolution" if transposed else "convolution"
    params = [
        f"kernel {shape_text(w.shape)}",
        f"input {shape_text(out_shape if transposed else in_shape)}",
        f"stride={argument_text(stride)}",
        f"padding={argument_text(padding)}",
    ]
    if max(dilation) > 1:
        params.append(f"dilation={argument_text(dilation)}")
    title = (
        f"{name} ({shape_text(picture.matrix.shape)}): {kind}\n"
        + ", ".join(params)
    )
    layout = matrix_layout(picture)
    fig, ax = new_figure(*layout.size)
    draw_matrix(Board(ax, *layout.size), picture, layout, show_values, title)
    return fig
