"""Read back what a figure of tconv_lib.viz draws: the cells and the numbers written in them.

The figures name their artists with gids: ``<grid>-cell:r,c`` for the Rectangle of a cell,
``<grid>-value:r,c`` for the Text written in it. Tests compare what these artists show with
tconv_lib's arithmetic; nothing here looks inside the drawing code.
"""

import numpy as np

import tconv_lib as tl


def tconv(x, w, stride=1, padding=0, output_padding=0, dilation=1):
    """The library's transposed convolution of one 1-D or 2-D channel."""
    x = np.asarray(x, float)[None, None]
    w = np.asarray(w, float)[None, None]
    return tl.conv_transpose(x, w, stride, padding, output_padding, dilation)[
        0, 0
    ]


def as_2d(array):
    """A 1-D array as the one row the figures draw."""
    array = np.asarray(array)
    return array[None] if array.ndim == 1 else array


def index_of(gid):
    """``"canvas-cell:1,2"`` -> ``(1, 2)``; ``"count:3"`` -> ``(3,)``."""
    return tuple(int(v) for v in gid.split(":")[1].split(","))


def patches(fig, gid, ax=0):
    """The patches whose gid is ``gid`` or starts with ``gid + ":"``."""
    return [
        p
        for p in fig.axes[ax].patches
        if (p.get_gid() or "") == gid
        or (p.get_gid() or "").startswith(gid + ":")
    ]


def texts(fig, gid, ax=0):
    """The Text artists whose gid is ``gid`` or starts with ``gid + ":"``."""
    return [
        t
        for t in fig.axes[ax].texts
        if (t.get_gid() or "") == gid
        or (t.get_gid() or "").startswith(gid + ":")
    ]


def cells(fig, grid, ax=0):
    """``{(r, c): Rectangle}`` of the cells of ``grid``."""
    return {index_of(p.get_gid()): p for p in patches(fig, f"{grid}-cell", ax)}


def grid_shape(fig, grid, ax=0):
    """The shape of ``grid``, from its cells."""
    keys = list(cells(fig, grid, ax))
    return tuple(max(k[i] for k in keys) + 1 for i in range(2))


def drawn_numbers(fig, grid, ax=0):
    """The numbers written in ``grid``'s cells as an array of its shape; NaN where blank."""
    out = np.full(grid_shape(fig, grid, ax), np.nan)
    for t in texts(fig, f"{grid}-value", ax):
        out[index_of(t.get_gid())] = float(t.get_text())
    return out


def corner(fig, grid, ax=0):
    """The (x, y) of the top-left corner of ``grid``'s cell (0, 0), in cell units."""
    cell = cells(fig, grid, ax)[(0, 0)]
    return cell.get_x(), cell.get_y()


def position(patch, fig, grid, ax=0):
    """The (row, column) of ``patch``'s top-left corner in ``grid``'s cells."""
    left, top = corner(fig, grid, ax)
    return round(patch.get_y() - top), round(patch.get_x() - left)


def stepped(anim):
    """``anim``, marked as drawn: tests step through its frames with ``anim._func(frame)``
    and never render it, which would otherwise warn when it is deleted."""
    anim._draw_was_started = True
    return anim
