"""The matrix view of a grouped layer: block-diagonal C^T with the palette and a colour bar."""

from __future__ import annotations

import numpy as np

from ..arguments import layer_arguments, real_array
from ..conv import conv_matrix
from ..memory import MEMORY_BUDGET
from ..shapes import conv_output_size
from .board import Board, check_cell_count, new_figure
from .matrix import draw_matrix
from .matrix_data import MatrixLayout, MatrixPicture
from .style import LABEL_PT, TITLE_PT, argument_text

COLOR_BAR = 2.4  # cells right of the matrix: the colour bar and its numbers


def channel_labels(prefix, channels, shape):
    """``$y_{1,23}$``: channel 1, position (2, 3)."""
    return [
        f"${prefix}_{{{c},{''.join(str(i) for i in p)}}}$"
        for c in range(channels)
        for p in np.ndindex(*shape)
    ]


def groups_figure(
    w,
    in_shape,
    groups,
    stride=1,
    padding=0,
    dilation=1,
    *,
    memory_budget=MEMORY_BUDGET,
):
    r"""``C^T`` of a grouped transposed convolution: one diagonal block per group.

    ``C = tconv_lib.conv_matrix(w, in_shape, ..., groups=groups)`` is the matrix of the
    grouped convolution; its transpose, drawn here, is the grouped transposed convolution
    from ``x`` (columns: channel, then position) to ``y`` (rows). Lines separate the
    channels, zeros are left blank, and a colour bar gives the weights' scale. Used in
    chapter 05.

    Parameters
    ----------
    w : array_like
        The convolution's weight, shape ``(C_out, C_in / groups, kh, kw)``.
    in_shape : tuple of ints
        Spatial shape of the convolution's input (the transposed convolution's output).
    groups : int
        As in ``tconv_lib.conv_matrix``.
    stride : int or tuple of ints, optional
        As in ``tconv_lib.conv_matrix``.
    padding : int or tuple of ints, optional
        As in ``tconv_lib.conv_matrix``.
    dilation : int or tuple of ints, optional
        As in ``tconv_lib.conv_matrix``.
    memory_budget : int, optional
        Bytes the figure and the library's computations may use.

    Returns
    -------
    matplotlib.figure.Figure
        One Axes: its first image holds ``C^T``, its child Axes the colour bar
        (``fig.axes[0].images[0].colorbar``).

    Raises
    ------
    ValueError, TypeError
        The library's errors for invalid arguments; ValueError for a weight that is not
        4-D and for a matrix beyond ``memory_budget``.

    See Also
    --------
    matrix_figure : one channel's C or C^T, with its numbers.

    Notes
    -----
    With ``g`` groups the matrix is block diagonal,

    .. math::

        C^\top = \operatorname{diag}(C_1^\top, \dots, C_g^\top).

    Examples
    --------
    Two groups, one 3x3 channel to one 5x5 channel each: a 50 x 18 matrix.

    >>> import numpy as np
    >>> from tconv_lib import viz
    >>> w = np.ones((2, 1, 3, 3))
    >>> fig = viz.groups_figure(w, (5, 5), groups=2)
    >>> image = fig.axes[0].images[0]
    >>> image.get_array().shape, image.colorbar is not None
    ((50, 18), True)
    """
    w = real_array(w, "w")
    if w.ndim != 4:
        raise ValueError(
            f"w must have shape (C_out, C_in/groups, kh, kw); got {w.shape}"
        )
    out_shape = conv_output_size(
        in_shape, w.shape[2:], stride, padding, dilation
    )
    arguments = layer_arguments(2, stride, padding, dilation)
    in_channels, out_channels = w.shape[1] * groups, w.shape[0]
    rows = in_channels * int(np.prod(in_shape))
    columns = out_channels * int(np.prod(out_shape))
    check_cell_count(
        2 * (rows + columns), f"w of shape {w.shape}", memory_budget
    )
    matrix = conv_matrix(
        w,
        in_shape,
        arguments.stride,
        arguments.padding,
        arguments.dilation,
        groups=groups,
        memory_budget=memory_budget,
    ).T
    picture = MatrixPicture(
        matrix,
        channel_labels("y", in_channels, tuple(in_shape)),
        channel_labels("x", out_channels, out_shape),
        int(np.prod(in_shape)),
        int(np.prod(out_shape)),
    )
    # wider margins than matrix_layout's: the labels carry a channel index, and the
    # title keeps its own size however small the cells are
    left, top = 3.0, 6.0
    width, height = left + columns + 0.3, top + rows + 0.3
    layout = MatrixLayout((left, top), None, None, (width, height))
    fig, ax = new_figure(width + COLOR_BAR, height)
    board = Board(ax, width + COLOR_BAR, height)
    draw_matrix(board, picture, layout, False, "")
    lines = [
        (
            f"Cᵀ ({matrix.shape[0]}×{matrix.shape[1]}), groups={groups}",
            TITLE_PT,
        ),
        (
            f"kernel {w.shape[2]}×{w.shape[3]}, "
            f"stride={argument_text(arguments.stride)}, "
            f"padding={argument_text(arguments.padding)}",
            LABEL_PT,
        ),
    ]
    y = 0.0
    for (text, size), weight in zip(lines, ("bold", "normal")):
        board.text(0.0, y, text, size=size, ha="left", va="top", weight=weight)
        y += 1.4 * size / board.cell_pt
    # the colour bar beside the matrix, as tall as it is (data units: cells, y down)
    bar = ax.inset_axes(
        (width + 0.6, top, 0.6, matrix.shape[0]),
        transform=ax.transData,
    )
    colorbar = fig.colorbar(ax.images[0], cax=bar)
    colorbar.ax.tick_params(labelsize=LABEL_PT)
    colorbar.set_label("weight", fontsize=LABEL_PT)
    return fig
