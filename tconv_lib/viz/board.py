"""A board: one Axes whose data units are grid cells (y pointing down), and the figure around it."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from ..memory import check_memory
from .style import (
    COLORS,
    FAINT,
    GRID,
    HATCH,
    INK,
    LABEL_PT,
    TITLE_PT,
    fill,
    ink_on,
    number,
)

# Inches. A figure is at most MAX_WIDTH x MAX_HEIGHT, its cells CELL_INCHES, or smaller to
# fit, but never below MIN_CELL_INCHES (then the figure grows instead).
CELL_INCHES = 0.42
MIN_CELL_INCHES = 0.16
MAX_WIDTH = 10.0
MAX_HEIGHT = 9.0
#: Bytes per drawn cell: a Rectangle and its number, measured with tracemalloc (9.8-11.6 KB a
#: cell for 2 500-15 000 cells). The default memory_budget (256 MiB) then allows about 27 000
#: cells, a figure that takes some 10 s to draw and whose cells are too small to read anyway.
CELL_BYTES = 10_000


def check_cell_count(cells, what, memory_budget):
    """Refuse to draw ``cells`` cells when they need more than ``memory_budget`` bytes.

    ``what`` names the arguments that set the size, for the message.
    """
    check_memory(
        f"the cells drawn for {what}", (cells,), CELL_BYTES, memory_budget
    )


class Board:
    """Draw grids of cells on an Axes in cell units, with font sizes that fit the cells."""

    def __init__(self, ax, width, height):
        self.ax = ax
        self.width, self.height = width, height
        ax.set_xlim(-0.15, width + 0.15)
        ax.set_ylim(height + 0.15, -0.15)
        ax.set_aspect("equal", adjustable="box")
        ax.set_axis_off()
        fig = ax.get_figure(root=True)
        box = ax.get_position()
        fig_width, fig_height = fig.get_size_inches()
        cell_inches = min(
            box.width * fig_width / (width + 0.3),
            box.height * fig_height / (height + 0.3),
        )
        self.cell_pt = cell_inches * 72
        # Once share_number_size is called, every grid writes its numbers at this size
        # (None: they do not fit and are left out).
        self.shared_number_pt = None
        self.number_size_shared = False

    def share_number_size(self, *arrays):
        """Write every number of this board at one size, the one that fits the longest of them."""
        self.shared_number_pt = self.value_size(
            [number(v) for a in arrays for v in np.ravel(a)]
        )
        self.number_size_shared = True

    def value_size(self, strings, fraction=1.0):
        """A font size (pt) for strings written in one cell, or None when they would not fit."""
        longest = max([len(s) for s in strings] + [1])
        cell = self.cell_pt * fraction
        size = min(11.0, 0.5 * cell, 0.88 * cell / (0.6 * longest))
        return size if size >= 5.5 else None

    def text_size(self, preferred):
        """Labels and titles: ``preferred`` pt unless the cells are tiny."""
        if self.cell_pt < 2 * preferred:
            return max(6.5, min(preferred, 0.55 * self.cell_pt))
        return preferred

    def cell(
        self,
        x,
        y,
        face,
        edge=GRID,
        lw=0.8,
        hatch=None,
        hatchcolor=None,
        gid=None,
        z=1,
        w=1,
        h=1,
        ls="-",
    ):
        if hatchcolor is None:
            hatchcolor = edge if edge != "none" else GRID
        rect = Rectangle(
            (x, y),
            w,
            h,
            facecolor=face,
            edgecolor=edge,
            linewidth=lw,
            hatch=hatch,
            hatchcolor=hatchcolor,
            gid=gid,
            zorder=z,
            linestyle=ls,
        )
        self.ax.add_artist(
            rect
        )  # limits are set by hand: skip add_patch's slow autoscaling
        return rect

    def frame(self, x, y, w, h, color, lw=2.2, gid=None, z=4, ls="-"):
        return self.cell(
            x, y, "none", edge=color, lw=lw, gid=gid, z=z, w=w, h=h, ls=ls
        )

    def text(
        self,
        x,
        y,
        s,
        size=LABEL_PT,
        color=INK,
        ha="center",
        va="center",
        gid=None,
        z=6,
        **kw,
    ):
        return self.ax.text(
            x,
            y,
            s,
            fontsize=size,
            color=color,
            ha=ha,
            va=va,
            gid=gid,
            zorder=z,
            **kw,
        )

    def label(self, x, y, s, size=TITLE_PT, **kw):
        """A bold label ending just left of ``x`` (the row titles of the 1-D views)."""
        return self.text(
            x - 0.3,
            y,
            s,
            ha="right",
            size=self.text_size(size),
            weight="bold",
            **kw,
        )

    def title(self, x, y, s, size=TITLE_PT):
        """A bold title centred on ``x`` above ``y``, kept inside the board."""
        size = self.text_size(size)
        half = (
            max(len(line) for line in s.split("\n")) * 0.3 * size / self.cell_pt
        )
        x = min(max(x, half - 0.1), self.width - half + 0.1)
        return self.text(x, y, s, size=size, va="bottom", weight="bold")

    def grid(
        self,
        values,
        x0,
        y0,
        role,
        show_values=True,
        gid=None,
        faces=None,
        hatches=None,
        texts=None,
        edge=GRID,
        lw=0.8,
        text_colors=None,
        hatch_colors=None,
    ):
        """Draw a 2-D array as cells; ``gid`` names the cells ``gid-cell:r,c`` and values ``gid-value:r,c``.

        ``faces``, ``hatches``, ``hatch_colors``, ``texts`` and ``text_colors`` (nested lists, one
        entry per cell) override the role's look; an empty text leaves its cell blank.
        """
        values = np.asarray(values)
        if texts is None:
            texts = [[number(v) for v in row] for row in values]
        size = None
        if show_values:
            strings = [str(t) for row in texts for t in row]
            size = (
                self.shared_number_pt
                if self.number_size_shared
                else self.value_size(strings)
            )
        for (r, c), _ in np.ndenumerate(values):
            face = faces[r][c] if faces is not None else fill(role)
            hatch = hatches[r][c] if hatches is not None else HATCH.get(role)
            if hatch_colors is not None and hatch_colors[r][c] is not None:
                hatchcolor = hatch_colors[r][c]
            else:
                hatchcolor = (
                    COLORS["cropped"]
                    if hatch == "xx"
                    else FAINT
                    if hatch
                    else None
                )
            cell_gid = f"{gid}-cell:{r},{c}" if gid else None
            self.cell(
                x0 + c,
                y0 + r,
                face,
                edge=edge,
                lw=lw,
                hatch=hatch,
                hatchcolor=hatchcolor,
                gid=cell_gid,
            )
            text = str(texts[r][c])
            if size is not None and text:
                color = (
                    text_colors[r][c]
                    if text_colors is not None
                    else ink_on(face)
                )
                value_gid = f"{gid}-value:{r},{c}" if gid else None
                self.text(
                    x0 + c + 0.5,
                    y0 + r + 0.52,
                    text,
                    size=size,
                    color=color,
                    gid=value_gid,
                )

    def legend(self, items, y):
        """A legend of (label, patch kwargs) centred at data height ``y`` (top of the strip)."""
        handles = [Patch(label=label, **props) for label, props in items]
        self.ax.legend(
            handles=handles,
            loc="upper center",
            bbox_to_anchor=(self.width / 2, y),
            bbox_transform=self.ax.transData,
            ncol=legend_columns(items, self.width),
            frameon=False,
            fontsize=LABEL_PT,
            handlelength=1.4,
            handleheight=1.1,
            columnspacing=1.4,
            borderaxespad=0.0,
        )


def tile_corners(left, top, rows, cols, tile_size, caption, margin):
    """Top-left corners of ``rows x cols`` tiles of ``tile_size`` (height, width) cells, each
    under a caption ``caption`` cells high, ``margin`` cells apart, row by row; and the
    width of the block."""
    height, width = tile_size
    corners = [
        (
            left + j * (width + margin),
            top + caption + i * (height + caption + margin),
        )
        for i in range(rows)
        for j in range(cols)
    ]
    return corners, cols * width + (cols - 1) * margin


def legend_columns(items, width_cells):
    """As many legend columns as fit in the figure's width (at the cell size new_figure picks)."""
    cell_pt = 72 * figure_cell_inches(width_cells, 0.0)
    item_pt = (
        max(len(label) for label, _ in items) * 0.56 * LABEL_PT + 3.6 * LABEL_PT
    )
    return int(max(1, min(len(items), (width_cells * cell_pt) // item_pt)))


def legend_height(items, width_cells):
    """Height (cells) of the legend strip."""
    rows = -(-len(items) // legend_columns(items, width_cells))
    return rows * 0.85 + 0.45


def figure_cell_inches(width, height):
    """The cell size of a ``width x height``-cell figure: preferred, smaller to fit, not tiny."""
    cell = min(
        CELL_INCHES, MAX_WIDTH / (width + 0.3), MAX_HEIGHT / (height + 0.3)
    )
    return max(cell, MIN_CELL_INCHES)


def new_figure(width, height, managed=True, dpi=None):
    """A figure whose single Axes fills it and shows ``width x height`` cells at a readable size.

    ``managed=False`` makes a figure pyplot does not know (animations: no stray static image).
    """
    cell = figure_cell_inches(width, height)
    size = ((width + 0.3) * cell, (height + 0.3) * cell)
    if managed:
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=size, dpi=dpi)
    else:
        fig = Figure(figsize=size, dpi=dpi or 80)
    fig.patch.set_facecolor("white")
    ax = fig.add_axes((0, 0, 1, 1))
    return fig, ax
