"""The scatter and direct views as animations, and saving them as GIFs."""

from __future__ import annotations

from ..memory import MEMORY_BUDGET
from .board import Board, new_figure
from .direct import draw_direct
from .direct_data import DirectData, direct_layout
from .scatter import draw_scatter
from .scatter_data import ScatterData, scatter_layout


def animation(size, frames, draw, interval, dpi):
    """A FuncAnimation that redraws a board of ``size`` cells with ``draw(board, frame)``."""
    from matplotlib.animation import FuncAnimation

    fig, ax = new_figure(*size, managed=False, dpi=dpi)

    def update(frame):
        ax.clear()
        draw(Board(ax, *size), frame)
        return []

    update(0)
    return FuncAnimation(
        fig,
        update,
        frames=frames,
        init_func=lambda: [],
        interval=interval,
        blit=False,
        repeat=True,
    )


def scatter_animation(
    x,
    w,
    stride=1,
    padding=0,
    output_padding=0,
    dilation=1,
    show_values=True,
    *,
    interval=1000,
    dpi=80,
    memory_budget=MEMORY_BUDGET,
):
    """The scatter view, built up one input element at a time.

    Frame ``i`` highlights input element ``i`` (C order) and its stamp, and shows the canvas and
    the output after the stamps of elements ``0..i`` have been added: the running sums are
    ``tconv_lib.conv_transpose`` of the input with the later elements set to zero. One frame
    per input element; the last frame is :func:`scatter_figure`. Show it in a notebook with
    ``IPython.display.HTML(anim.to_jshtml())`` (chapter 02).

    Parameters
    ----------
    x : array_like
        One input channel, 1-D or 2-D.
    w : array_like
        One kernel, with as many dimensions as ``x``.
    stride : int or tuple of ints, optional
        As in :func:`scatter_figure`.
    padding : int or tuple of ints, optional
        As in :func:`scatter_figure`.
    output_padding : int or tuple of ints, optional
        As in :func:`scatter_figure`.
    dilation : int or tuple of ints, optional
        As in :func:`scatter_figure`.
    show_values : bool, optional
        Write the numbers in the cells.
    interval : int, optional
        Milliseconds per frame (keyword only).
    dpi : int, optional
        Resolution of the frames, keyword only (80 keeps the HTML small).
    memory_budget : int, optional
        Bytes the figure and the library's computations may use (``tconv_lib.MEMORY_BUDGET``).

    Returns
    -------
    matplotlib.animation.FuncAnimation
        Its figure is not managed by pyplot (it does not show up as a static image).

    Raises
    ------
    ValueError, TypeError
        As :func:`scatter_figure`.

    See Also
    --------
    scatter_figure : the last frame.
    direct_animation : the same output, one output position per frame.
    save_gif : write the frames to a file.

    Examples
    --------
    One frame per input element, rendered as the HTML a notebook shows with
    ``IPython.display.HTML(anim.to_jshtml())`` (in a cell tagged ``nbval-ignore-output``):

    >>> from tconv_lib import viz
    >>> anim = viz.scatter_animation([1, 2], [1, 1])
    >>> len(list(anim.new_frame_seq()))
    2
    >>> "<script" in anim.to_jshtml()
    True
    """
    data = ScatterData(
        x, w, stride, padding, output_padding, dilation, memory_budget
    )
    layout = scatter_layout(data)

    def draw(board, frame):
        draw_scatter(board, data, layout, show_values, upto=frame)

    return animation(layout.size, data.problem.x.size, draw, interval, dpi)


def direct_animation(
    x,
    w,
    stride=1,
    padding=0,
    output_padding=0,
    dilation=1,
    show_values=True,
    *,
    interval=800,
    dpi=80,
    memory_budget=MEMORY_BUDGET,
):
    """The direct view, the rotated kernel visiting one output position per frame.

    Frame ``j`` highlights the window that output ``j`` (C order) reads in the zero-inserted,
    padded input, writes out its sum, and shows the outputs ``0..j`` computed so far. One frame
    per output position. Show it with ``IPython.display.HTML(anim.to_jshtml())`` (chapter 02).

    Parameters
    ----------
    x : array_like
        One input channel, 1-D or 2-D.
    w : array_like
        One kernel, with as many dimensions as ``x``.
    stride : int or tuple of ints, optional
        As in :func:`direct_figure`.
    padding : int or tuple of ints, optional
        As in :func:`direct_figure`.
    output_padding : int or tuple of ints, optional
        As in :func:`direct_figure`.
    dilation : int or tuple of ints, optional
        As in :func:`direct_figure`.
    show_values : bool, optional
        Write the numbers in the cells.
    interval : int, optional
        Milliseconds per frame (keyword only).
    dpi : int, optional
        Resolution of the frames (keyword only).
    memory_budget : int, optional
        Bytes the figure and the library's computations may use (``tconv_lib.MEMORY_BUDGET``).

    Returns
    -------
    matplotlib.animation.FuncAnimation
        Its figure is not managed by pyplot.

    Raises
    ------
    ValueError, TypeError
        As :func:`direct_figure`.

    See Also
    --------
    direct_figure : one frame, as a figure.
    scatter_animation : the same output, one stamp per frame.
    save_gif : write the frames to a file.

    Examples
    --------
    One frame per output position (3 here):

    >>> from tconv_lib import viz
    >>> anim = viz.direct_animation([1, 2], [1, 1])
    >>> len(list(anim.new_frame_seq()))
    3
    >>> "<script" in anim.to_jshtml()
    True
    """
    data = DirectData(
        x, w, stride, padding, output_padding, dilation, memory_budget
    )
    layout = direct_layout(data)

    def draw(board, frame):
        draw_direct(board, data, layout, show_values, step=frame, reveal=frame)

    return animation(layout.size, data.problem.y.size, draw, interval, dpi)


def save_gif(anim, path, fps=1.0, dpi=80):
    """Save an animation of this module as a GIF (Pillow; no external program needed).

    Parameters
    ----------
    anim : matplotlib.animation.Animation
        An animation, for example from :func:`scatter_animation`.
    path : str or path-like
        The file to write.
    fps : float, optional
        Frames per second.
    dpi : int, optional
        Resolution of the frames.

    Returns
    -------
    None

    Raises
    ------
    OSError
        If ``path`` cannot be written.

    See Also
    --------
    scatter_animation, direct_animation : the animations to save.

    Examples
    --------
    The file starts with the GIF signature:

    >>> import os, tempfile
    >>> from tconv_lib import viz
    >>> path = os.path.join(tempfile.mkdtemp(), "scatter.gif")
    >>> viz.save_gif(viz.scatter_animation([1, 2], [1, 1]), path)
    >>> open(path, "rb").read(3)
    b'GIF'
    """
    from matplotlib.animation import PillowWriter

    anim.save(path, writer=PillowWriter(fps=fps), dpi=dpi)
