"""The sub-pixel view: a strided transposed convolution is stride^n small convolutions, interleaved."""

from __future__ import annotations

import numpy as np

from ..memory import MEMORY_BUDGET
from .board import (
    Board,
    new_figure,
)
from .style import (
    GRID,
    INK,
    LABEL_PT,
    MUTED,
    argument_text,
)
from .subpixel_data import SubpixelData, letter, phase_face, subpixel_layout


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
    r"""The sub-pixel view: a strided transposed convolution is stride^n small convolutions, interleaved.

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
        An input: draw it and the output's numbers (default: only the phase pattern).
    padding : int or tuple of ints, optional
        As in ``tconv_lib.conv_transpose``; it shifts the output's phases.
    dilation : int or tuple of ints, optional
        Distance between the kernel's taps.
    in_size : int or tuple of ints, optional
        Input size of the pattern when ``x`` is not given (default 3x3, or 4 in 1-D).
    show_values : bool, optional
        Write the numbers in the cells (they are left out when the cells are too small).
    memory_budget : int, optional
        Bytes the figure and the library's computations may use (``tconv_lib.MEMORY_BUDGET``).

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

    Notes
    -----
    Tap ``t`` lands on output phase ``q(t)`` (``tconv_lib.geometry.tap_phase``), output pixel
    ``j`` belongs to phase ``r(j)``:

    .. math::

        q(t) = (d t) \bmod s, \qquad r(j) = (j + p) \bmod s .

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
