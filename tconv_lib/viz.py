"""The course's figures and animations, drawn from the same code that computes the numbers.

Every figure function takes the arguments of the operation it draws (kernel, stride, padding,
output_padding, dilation) and computes what it shows with ``tconv_lib`` itself
(:func:`~tconv_lib.conv_transpose`, :func:`~tconv_lib.conv_matrix`, :func:`~tconv_lib.overlap_counts`,
:func:`~tconv_lib.insert_zeros`, :func:`~tconv_lib.flip_weight`,
:func:`~tconv_lib.conv_transpose_output_size`), so a picture can never disagree with the
arithmetic, and invalid arguments raise the library's own errors.

``x`` and ``w`` are single-channel 1-D or 2-D arrays: the numbers written in the cells.

=======================  ===========================================================  =======
function                 what it draws                                                chapter
=======================  ===========================================================  =======
``show_arrays``          small arrays side by side as labelled grids                  00, 01, 05, 06
``scatter_figure``       every input element stamps a scaled kernel into the output   00, 02-06
``direct_figure``        zero insertion, padding, the rotated kernel sliding           02, 03, 04
``matrix_figure``        the convolution matrix C, or C^T, as a labelled heatmap       01, 02
``overlap_figure``       how many stamps cover each output pixel: the checkerboard     07, 10
``subpixel_figure``      the kernel split into stride^n sub-kernels, interleaved       08
``four_views_figure``    scatter, matrix, direct and sub-pixel views of one example    02
``scatter_animation``    the scatter view, one frame per input element                 02
``direct_animation``     the direct view, one frame per output position                02
``save_gif``             an animation saved as a GIF (Pillow)                          any
``explorer``             ipywidgets sliders that redraw the scatter and direct views   04
=======================  ===========================================================  =======

One palette for the whole course, :data:`COLORS` (Okabe-Ito, colour-blind safe); padding,
inserted zeros and cropped cells are also hatched so the figures read in grayscale.

Importing ``tconv_lib`` does not import matplotlib; importing ``tconv_lib.viz`` does
(ipywidgets only when :func:`explorer` is called).
"""
from __future__ import annotations

import numpy as np
import matplotlib
import matplotlib.colors as mcolors
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from ._checks import as_real_array, as_tuple, pad_or_crop
from .conv import conv, conv_matrix
from .shapes import conv_transpose_output_size
from .transpose import conv_transpose, flip_weight, insert_zeros, overlap_counts

__all__ = [
    "COLORS",
    "show_arrays",
    "scatter_figure",
    "direct_figure",
    "matrix_figure",
    "overlap_figure",
    "subpixel_figure",
    "four_views_figure",
    "scatter_animation",
    "direct_animation",
    "explorer",
    "save_gif",
]

#: The course palette (Okabe-Ito). Cells are filled with light tints of these colours; padding,
#: inserted zeros and cropped cells are hatched as well, so they stay distinct in grayscale.
COLORS = {
    "input": "#0072B2",  # blue
    "kernel": "#E69F00",  # orange
    "output": "#009E73",  # bluish green
    "padding": "#8C8C8C",  # grey, hatched ///
    "zero": "#B3B3B3",  # light grey, dotted
    "cropped": "#CC79A7",  # reddish purple, hatched xx
    "highlight": "#D55E00",  # vermillion
}

# Colours of the sub-pixel phases (Paul Tol's "muted" scheme, colour-blind safe); letters
# written in the cells keep them apart in grayscale.
PHASE_COLORS = ["#88CCEE", "#CC6677", "#DDCC77", "#117733", "#332288", "#AA4499", "#44AA99", "#999933", "#882255"]

_INK = "#1A1A1A"
_GRID = "#4D4D4D"
_FAINT = "#BDBDBD"
_HATCH = {"padding": "///", "zero": "...", "cropped": "xx"}
_CELL_INCHES = 0.42  # preferred cell size
_MAX_WIDTH = 10.0  # inches
_MAX_HEIGHT = 9.0
_TITLE_PT = 10
_LABEL_PT = 9


def _tint(color, amount):
    """``color`` mixed with white: amount 1 is the colour, 0 is white."""
    rgb = np.array(mcolors.to_rgb(color))
    return tuple(1 - amount * (1 - rgb))


def _fill(role):
    return {
        "input": _tint(COLORS["input"], 0.30),
        "kernel": _tint(COLORS["kernel"], 0.40),
        "output": _tint(COLORS["output"], 0.30),
        "padding": "#FFFFFF",
        "zero": "#F2F2F2",
        "cropped": _tint(COLORS["cropped"], 0.18),
        "empty": "#FFFFFF",
    }[role]


def _count_color(count, top):
    """Overlap shading: white for 0 stamps, then darker and darker tints of the output colour."""
    if count <= 0:
        return (1.0, 1.0, 1.0)
    amount = 0.22 if top <= 1 else 0.22 + 0.68 * (count - 1) / (top - 1)
    return _tint(COLORS["output"], amount)


def _ink_on(face):
    """Black text on light cells, white text on dark ones."""
    r, g, b = mcolors.to_rgb(face)
    return "white" if 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.5 else _INK


def _fmt(v):
    """Ints when integral, else 3 significant digits."""
    v = float(v)
    if abs(v - round(v)) < 1e-9 * max(1.0, abs(v)):
        return str(int(round(v))) if round(v) != 0 else "0"
    return f"{v:.3g}"


def _index(position):
    """``(0, 1)`` -> ``"0,1"``, ``(2,)`` -> ``"2"``."""
    return ",".join(str(int(i)) for i in position)


def _sub_label(prefix, position, shape):
    """Mathtext label of a flat position: ``x_{01}`` (2-D), ``x_{1,10}`` when a size exceeds 10."""
    if len(shape) == 1 or max(shape) <= 10:
        body = "".join(str(int(i)) for i in position)
    else:
        body = ",".join(str(int(i)) for i in position)
    return f"${prefix}_{{{body}}}$"


# --------------------------------------------------------------------------------------------
# A board: one Axes whose data units are grid cells (y pointing down)
# --------------------------------------------------------------------------------------------
class _Board:
    """Draw grids of cells on an Axes in cell units, with font sizes that fit the cells."""

    def __init__(self, ax, width, height):
        self.ax = ax
        self.width, self.height = width, height
        ax.set_xlim(-0.15, width + 0.15)
        ax.set_ylim(height + 0.15, -0.15)
        ax.set_aspect("equal", adjustable="box")
        ax.set_axis_off()
        fig = ax.get_figure(root=True)
        pos = ax.get_position()
        fw, fh = fig.get_size_inches()
        cell_in = min(pos.width * fw / (width + 0.3), pos.height * fh / (height + 0.3))
        self.cell_pt = cell_in * 72
        self.vsize = None  # one font size for every number of a figure, once set by the drawer

    def uniform_values(self, *arrays):
        """Use one font size, fitting the longest of these numbers, for every grid on this board."""
        strings = [_fmt(v) for a in arrays for v in np.ravel(a)]
        self.vsize = self.value_size(strings) or False

    def value_size(self, strings, fraction=1.0):
        """A font size (pt) for strings written in one cell, or None when they would not fit."""
        longest = max([len(s) for s in strings] + [1])
        size = min(11.0, 0.5 * self.cell_pt * fraction, 0.88 * self.cell_pt * fraction / (0.6 * longest))
        return size if size >= 5.5 else None

    def text_size(self, preferred):
        """Labels and titles: ``preferred`` pt unless the cells are tiny."""
        return max(6.5, min(preferred, 0.55 * self.cell_pt)) if self.cell_pt < 2 * preferred else preferred

    def cell(self, x, y, face, edge=_GRID, lw=0.8, hatch=None, hatchcolor=None, gid=None, z=1, w=1, h=1, ls="-"):
        rect = Rectangle(
            (x, y), w, h, facecolor=face, edgecolor=edge, linewidth=lw, hatch=hatch,
            hatchcolor=hatchcolor if hatchcolor is not None else (edge if edge != "none" else _GRID),
            gid=gid, zorder=z, linestyle=ls,
        )
        self.ax.add_artist(rect)  # limits are set by hand: skip add_patch's slow autoscaling
        return rect

    def frame(self, x, y, w, h, color, lw=2.2, gid=None, z=4, ls="-"):
        return self.cell(x, y, "none", edge=color, lw=lw, gid=gid, z=z, w=w, h=h, ls=ls)

    def text(self, x, y, s, size=_LABEL_PT, color=_INK, ha="center", va="center", gid=None, z=6, **kw):
        return self.ax.text(x, y, s, fontsize=size, color=color, ha=ha, va=va, gid=gid, zorder=z, **kw)

    def title(self, x, y, s, size=_TITLE_PT, ha="center"):
        size = self.text_size(size)
        half = max(len(line) for line in s.split("\n")) * 0.3 * size / self.cell_pt  # estimated half width
        if ha == "center":
            x = min(max(x, half - 0.1), self.width - half + 0.1)
        return self.text(x, y, s, size=size, ha=ha, va="bottom", weight="bold")

    def grid(self, values, x0, y0, role, show_values=True, gid=None, faces=None, hatches=None,
             texts=None, edge=_GRID, lw=0.8, text_colors=None, size=None):
        """Draw a 2-D array as cells; ``gid`` names the cells ``gid-cell:r,c`` and values ``gid-value:r,c``."""
        values = np.asarray(values)
        strings = [_fmt(v) for v in values.ravel()] if texts is None else [str(t) for t in np.ravel(texts)]
        if size is None and show_values:
            size = self.value_size(strings) if self.vsize is None else (self.vsize or None)
        for (r, c), v in np.ndenumerate(values):
            face = faces[r][c] if faces is not None else _fill(role)
            hatch = hatches[r][c] if hatches is not None else _HATCH.get(role)
            hatchcolor = COLORS["cropped"] if hatch == "xx" else _FAINT if hatch else None
            self.cell(x0 + c, y0 + r, face, edge=edge, lw=lw, hatch=hatch, hatchcolor=hatchcolor,
                      gid=f"{gid}-cell:{r},{c}" if gid else None)
            if size is not None:
                s = strings[r * values.shape[1] + c]
                if s == "":
                    continue
                color = text_colors[r][c] if text_colors is not None else _ink_on(face)
                self.text(x0 + c + 0.5, y0 + r + 0.52, s, size=size, color=color,
                          gid=f"{gid}-value:{r},{c}" if gid else None)
        return size

    def legend(self, items, y, ncol=None):
        """A legend of (label, patch kwargs) centred at data height ``y`` (top of the strip)."""
        if not items:
            return
        handles = [Patch(label=label, **props) for label, props in items]
        ncol = ncol or _legend_ncol([label for label, _ in items], self.width)
        self.ax.legend(
            handles=handles, loc="upper center", bbox_to_anchor=(self.width / 2, y), bbox_transform=self.ax.transData,
            ncol=ncol, frameon=False, fontsize=_LABEL_PT, handlelength=1.4, handleheight=1.1,
            columnspacing=1.4, borderaxespad=0.0,
        )


def _legend_ncol(labels, width_cells, cell_pt=None):
    """As many legend columns as fit in the figure's width (at the cell size _new_figure will pick)."""
    if not labels:
        return 1
    if cell_pt is None:
        cell_pt = 72 * max(0.16, min(_CELL_INCHES, _MAX_WIDTH / (width_cells + 0.3)))
    item = max(len(label) for label in labels) * 0.56 * _LABEL_PT + 3.6 * _LABEL_PT
    return int(max(1, min(len(labels), (width_cells * cell_pt) // item)))


def _legend_rows(labels, width_cells, ncol=None):
    """Height (cells) of the legend strip."""
    if not labels:
        return 0.0
    ncol = ncol or _legend_ncol(labels, width_cells)
    return -(-len(labels) // ncol) * 0.85 + 0.45


def _new_figure(width, height, managed=True, dpi=None, max_width=_MAX_WIDTH, max_height=_MAX_HEIGHT):
    """A figure whose single Axes fills it and shows ``width x height`` cells at a readable size."""
    cell = min(_CELL_INCHES, max_width / (width + 0.3), max_height / (height + 0.3))
    cell = max(cell, 0.16)
    size = ((width + 0.3) * cell, (height + 0.3) * cell)
    if managed:
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=size, dpi=dpi)
    else:
        fig = Figure(figsize=size, dpi=dpi or 80)
    fig.patch.set_facecolor("white")
    ax = fig.add_axes((0, 0, 1, 1))
    return fig, ax


# --------------------------------------------------------------------------------------------
# Arguments: let the library check them, then bring 1-D to the 2-D drawing form
# --------------------------------------------------------------------------------------------
def _as_2d(a):
    a = np.asarray(a)
    return a[None, :] if a.ndim == 1 else a


class _Problem:
    """One single-channel transposed convolution, computed by the library, in drawing form."""

    def __init__(self, x, w, stride=1, padding=0, output_padding=0, dilation=1, method="gemm"):
        x = as_real_array(x, "x")
        w = as_real_array(w, "w")
        # The library checks every argument and raises its own errors.
        self.y_native = conv_transpose(x[None, None], w[None, None], stride, padding, output_padding, dilation,
                                       method=method)[0, 0]
        if x.ndim not in (1, 2):
            raise ValueError(f"viz draws 1-D and 2-D examples; x has shape {x.shape} and w has shape {w.shape}")
        n = x.ndim
        self.n = n
        self.x_native, self.w_native = x, w
        self.stride = as_tuple(stride, n, "stride", minimum=1)
        self.padding = as_tuple(padding, n, "padding", minimum=0)
        self.output_padding = as_tuple(output_padding, n, "output_padding", minimum=0)
        self.dilation = as_tuple(dilation, n, "dilation", minimum=1)
        self.x, self.w, self.y = _as_2d(x), _as_2d(w), _as_2d(self.y_native)
        self.out_size = conv_transpose_output_size(tuple(x.shape), tuple(w.shape), self.stride, self.padding,
                                                   self.output_padding, self.dilation)
        # 2-D forms of the per-axis arguments (a 1-D problem is one row).
        pad1 = (lambda t, v: ((v,) + t) if n == 1 else t)
        self.s2, self.p2 = pad1(self.stride, 1), pad1(self.padding, 0)
        self.op2, self.d2 = pad1(self.output_padding, 0), pad1(self.dilation, 1)

    def tconv(self, x, w=None, padding=None, output_padding=None):
        """The library's transposed convolution of a same-shaped input, in 2-D drawing form."""
        w = self.w_native if w is None else w
        padding = self.padding if padding is None else padding
        output_padding = self.output_padding if output_padding is None else output_padding
        y = conv_transpose(np.asarray(x, float)[None, None], np.asarray(w, float)[None, None], self.stride, padding,
                           output_padding, self.dilation)[0, 0]
        return _as_2d(y)

    def position(self, rc):
        """A drawing (row, col) back to the array's own index tuple."""
        return (rc[1],) if self.n == 1 else tuple(rc)

    def name(self, prefix, rc):
        return f"{prefix}[{_index(self.position(rc))}]"


# --------------------------------------------------------------------------------------------
# show_arrays
# --------------------------------------------------------------------------------------------
def show_arrays(arrays, titles=None, show_values=True, roles=None):
    """Small arrays side by side as labelled grids of cells.

    Each array (1-D or 2-D) is drawn as a grid with its numbers in the cells (ints when
    integral), its title above and its shape below. ``roles`` colours each grid with the course
    palette: ``"input"``, ``"kernel"``, ``"output"``, ``"padding"``, ``"zero"`` or ``"cropped"``.
    Used for tiny hand-checkable examples in chapters 00, 01, 05 and 06.

    Parameters
    ----------
    arrays : sequence of array_like
        1-D or 2-D arrays (a single array is accepted too).
    titles : sequence of str, optional
        One title per array (mathtext allowed).
    show_values : bool
        Write the numbers in the cells.
    roles : sequence of str, optional
        One role per array; default: the first array ``"input"``, the last ``"output"`` and the
        others ``"kernel"``.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from tconv_lib import viz
    >>> fig = viz.show_arrays([[[0, 1], [2, 3]], [[4, 7], [2, 2]]], titles=["x", "w"])
    >>> len(fig.axes)
    1
    >>> sorted(t.get_text() for t in fig.axes[0].texts if (t.get_gid() or "").startswith("array1-value"))
    ['2', '2', '4', '7']
    """
    if isinstance(arrays, np.ndarray) or (isinstance(arrays, (list, tuple)) and len(arrays)
                                           and np.ndim(arrays[0]) == 0):
        arrays = [arrays]  # one array, not a sequence of arrays
    mats = []
    for i, a in enumerate(arrays):
        a = as_real_array(a, f"arrays[{i}]")
        if a.ndim not in (1, 2):
            raise ValueError(f"show_arrays draws 1-D and 2-D arrays; arrays[{i}] has shape {a.shape}")
        mats.append(_as_2d(a))
    n = len(mats)
    if titles is not None and len(titles) != n:
        raise ValueError(f"titles has {len(titles)} entries for {n} arrays")
    if roles is None:
        roles = ["input"] + ["kernel"] * max(n - 2, 0) + (["output"] if n > 1 else [])
    if len(roles) != n:
        raise ValueError(f"roles has {len(roles)} entries for {n} arrays")
    for r in roles:
        if r not in ("input", "kernel", "output", "padding", "zero", "cropped"):
            raise ValueError(f"role {r!r} is not one of input, kernel, output, padding, zero, cropped")
    gap, top = 1.4, (1.4 if titles is not None else 0.2)
    width = sum(m.shape[1] for m in mats) + gap * (n - 1)
    height = top + max(m.shape[0] for m in mats) + 1.0
    fig, ax = _new_figure(width, height)
    board = _Board(ax, width, height)
    x0 = 0.0
    for i, (m, role) in enumerate(zip(mats, roles)):
        if titles is not None:
            board.title(x0 + m.shape[1] / 2, top - 0.25, titles[i])
        board.grid(m, x0, top, role, show_values, gid=f"array{i}")
        shape = np.shape(np.asarray(arrays[i]))
        board.text(x0 + m.shape[1] / 2, top + m.shape[0] + 0.45, "×".join(map(str, shape)) if shape else "scalar",
                   size=board.text_size(_LABEL_PT), color="#555555")
        x0 += m.shape[1] + gap
    return fig


# --------------------------------------------------------------------------------------------
# Scatter view
# --------------------------------------------------------------------------------------------
class _ScatterData:
    """Everything the scatter view shows, from the library."""

    def __init__(self, x, w, stride, padding, output_padding, dilation):
        pb = _Problem(x, w, stride, padding, output_padding, dilation, method="scatter")
        self.pb = pb
        ones_w = np.ones_like(pb.w_native)
        zero_p = (0,) * pb.n
        full = pb.tconv(pb.x_native, padding=zero_p)  # s(i-1) + d(k-1) + 1 + op per axis
        counts = _as_2d(overlap_counts(tuple(pb.x_native.shape), tuple(pb.w_native.shape), pb.stride, zero_p,
                                       pb.output_padding, pb.dilation))
        # The canvas we draw: the stamps' extent N, and more when output_padding reaches past it.
        natural = [s * (i - 1) + d * (k - 1) + 1 for s, i, d, k in zip(pb.s2, pb.x.shape, pb.d2, pb.w.shape)]
        shape = tuple(nn + max(0, op - p) for nn, op, p in zip(natural, pb.op2, pb.p2))
        self.natural = natural
        self.canvas = full[: shape[0], : shape[1]]
        self.counts = counts[: shape[0], : shape[1]]
        self.kept = tuple(slice(p, p + o) for p, o in zip(pb.p2, pb.y.shape))
        assert np.allclose(self.canvas[self.kept], pb.y), "the cropped canvas must be the output"
        # One stamp per input element: its footprint and values in canvas coordinates.
        self.stamps = []
        for rc in np.ndindex(*pb.x.shape):
            onehot = np.zeros(pb.x.shape)
            onehot[rc] = 1.0
            onehot = onehot.reshape(pb.x_native.shape)
            foot = pb.tconv(onehot, w=ones_w, padding=zero_p)[: shape[0], : shape[1]] > 0.5
            values = pb.tconv(onehot * pb.x_native, padding=zero_p)[: shape[0], : shape[1]]
            self.stamps.append((rc, foot, values))

    def partial(self, upto):
        """Canvas values and counts after the stamps of input elements 0..upto (C order)."""
        pb = self.pb
        if upto is None:
            return self.canvas, self.counts
        mask = (np.arange(pb.x.size) <= upto).reshape(pb.x.shape).astype(float).reshape(pb.x_native.shape)
        zero_p = (0,) * pb.n
        sh = self.canvas.shape
        values = pb.tconv(mask * pb.x_native, padding=zero_p)[: sh[0], : sh[1]]
        counts = np.rint(pb.tconv(mask, w=np.ones_like(pb.w_native), padding=zero_p)[: sh[0], : sh[1]]).astype(int)
        return values, counts

    def region(self, r, c):
        """'kept', 'cropped' or 'op' (kept thanks to output_padding) for a canvas cell."""
        pb = self.pb
        kept = all(sl.start <= v < sl.stop for sl, v in zip(self.kept, (r, c)))
        if not kept:
            return "cropped"
        for axis, v in enumerate((r, c)):
            nn, p, op = self.natural[axis], pb.p2[axis], pb.op2[axis]
            if op and nn - p <= v < nn - p + op:
                return "op"
        return "kept"


def _canvas_cells(board, data, values, counts, x0, y0, show_values, gid, top):
    """The summed canvas: shading = number of stamps, cropped cells and output_padding marked."""
    faces = [[_count_color(c, top) for c in row] for row in counts]
    texts = [["" if counts[r, c] == 0 else _fmt(values[r, c]) for c in range(values.shape[1])]
             for r in range(values.shape[0])]
    hatches = [[None] * values.shape[1] for _ in range(values.shape[0])]
    colors = [[None] * values.shape[1] for _ in range(values.shape[0])]
    for r, c in np.ndindex(*values.shape):
        where = data.region(r, c)
        colors[r][c] = _ink_on(faces[r][c])
        if where == "cropped":
            hatches[r][c] = "x"
            faces[r][c] = tuple(0.55 + 0.45 * np.array(mcolors.to_rgb(faces[r][c])))
            colors[r][c] = "#595959"
        elif where == "op":
            hatches[r][c] = "\\\\"
    size = board.grid(values, x0, y0, "output", show_values, gid=gid, faces=faces, hatches=hatches, texts=texts,
                      text_colors=colors)
    # hatch colours: cropped cells in the cropped colour, output_padding cells in the output colour
    for patch in board.ax.patches[-values.size:]:
        if patch.get_hatch() == "\\\\":
            patch.set_hatchcolor(_tint(COLORS["output"], 0.6))
        if patch.get_hatch() == "x":
            patch.set_hatchcolor(COLORS["cropped"])
    kr, kc = data.kept
    board.frame(x0 + kc.start, y0 + kr.start, kc.stop - kc.start, kr.stop - kr.start, COLORS["output"], lw=2.6,
                gid="kept-frame")
    return size


def _scatter_legend(data, counts):
    pb = data.pb
    top = int(data.counts.max())
    items = []
    for c in range(1, top + 1):
        items.append((f"{c} stamp{'s' if c > 1 else ''}", dict(facecolor=_count_color(c, top), edgecolor=_GRID)))
    if any(pb.p2):
        items.append((f"cropped by padding={_arg(pb.padding)}",
                      dict(facecolor="white", edgecolor=COLORS["cropped"], hatch="x")))
    if any(pb.op2):
        items.append((f"kept by output_padding={_arg(pb.output_padding)}",
                      dict(facecolor="white", edgecolor=COLORS["output"], hatch="\\\\")))
    items.append(("output region", dict(facecolor="white", edgecolor=COLORS["output"], linewidth=2.2)))
    return items


def _arg(t):
    return str(t[0]) if len(set(t)) == 1 else str(tuple(t))


def _scatter_geometry(data, compact=False):
    pb = data.pb
    (ih, iw), (kh, kw), (ch, cw), (oh, ow) = pb.x.shape, pb.w.shape, data.canvas.shape, pb.y.shape
    g = {}
    n_legend = [label for label, _ in _scatter_legend(data, data.counts)]
    if pb.n == 1:
        L = 4.2
        T = 1.3
        g["input"] = (L, T)
        g["kernel"] = (L + iw + 2.5, T)
        ys = T + 1 + 1.9
        if compact:  # x and w are shown elsewhere
            g["input"] = g["kernel"] = None
            ys = 1.3
        g["stamps"] = [(L, ys + 1.3 * i) for i in range(iw)]
        ysum = ys + 1.3 * iw + 0.6
        g["sum"] = (L, ysum)
        g["output"] = (L + pb.p2[1], ysum + 2.2)
        width = max(L + cw, 0 if compact else L + iw + 2.5 + kw, L + pb.p2[1] + ow + 1.5) + 0.2
        g["legend_y"] = ysum + 2.2 + 1.3
        height = g["legend_y"] + _legend_rows(n_legend, width)
    else:
        T, gap, cap, mg = 1.5, 1.9, 1.0, 0.8
        aw = max(iw, kw, 3)
        g["input"] = (0.0, T)
        g["kernel"] = (0.0, T + ih + T + 0.2)
        sx = aw + gap
        if compact:  # x and w are shown elsewhere
            g["input"] = g["kernel"] = None
            sx = 0.0
        g["stamps"] = [(sx + j * (cw + mg), T + cap + i * (ch + cap + mg)) for i in range(ih) for j in range(iw)]
        sbw = iw * cw + (iw - 1) * mg
        sbh = cap + ih * (ch + cap) + (ih - 1) * mg - cap
        g["stamps_box"] = (sx, T, sbw, sbh)
        sumx = sx + sbw + gap + 0.4
        g["sum"] = (sumx, T + cap)
        g["output"] = (sumx + cw + gap + 0.4, T + cap + pb.p2[0])
        width = g["output"][0] + max(ow, 3)
        body = max(0 if compact else g["kernel"][1] + kh + 0.9, T + sbh, T + cap + ch + 0.9,
                   g["output"][1] + oh + 0.9)
        g["legend_y"] = body + 0.3
        height = g["legend_y"] + (0.0 if compact else _legend_rows(n_legend, width))
    g["legend"] = not compact
    g["size"] = (width, height)
    return g


def _draw_scatter(board, data, g, show_values=True, upto=None, title=True):
    pb = data.pb
    values, counts = data.partial(upto)
    top = int(data.counts.max())
    hl = COLORS["highlight"]
    board.uniform_values(pb.x, pb.w, data.canvas, *[stamp[2] for stamp in data.stamps])
    # input and kernel
    show_inputs = g["input"] is not None
    if show_inputs:
        ix, iy = g["input"]
        kx, ky = g["kernel"]
        board.grid(pb.x, ix, iy, "input", show_values, gid="input")
        board.grid(pb.w, kx, ky, "kernel", show_values, gid="kernel")
        if pb.n == 1:
            board.text(ix - 0.3, iy + 0.5, "input x", ha="right", size=board.text_size(_TITLE_PT), weight="bold")
            board.text(kx - 0.3, ky + 0.5, "kernel w", ha="right", size=board.text_size(_TITLE_PT), weight="bold")
        else:
            board.title(ix + pb.x.shape[1] / 2, iy - 0.2, "input x")
            board.title(kx + pb.w.shape[1] / 2, ky - 0.2, "kernel w")
    # stamps
    sh = data.canvas.shape
    for n_el, ((rc, foot, svals), (sx, sy)) in enumerate(zip(data.stamps, g["stamps"])):
        drawn = upto is None or n_el <= upto
        current = upto is not None and n_el == upto
        faces = [[(_fill("kernel") if (foot[r, c] and drawn) else "#FFFFFF") for c in range(sh[1])]
                 for r in range(sh[0])]
        texts = [[_fmt(svals[r, c]) if foot[r, c] and drawn else "" for c in range(sh[1])] for r in range(sh[0])]
        board.grid(svals, sx, sy, "empty", show_values, gid=f"stamp{n_el}", faces=faces, texts=texts,
                   edge=_FAINT, lw=0.6, hatches=[[None] * sh[1]] * sh[0])
        rows, cols = np.nonzero(foot)
        if drawn:
            board.frame(sx + cols.min(), sy + rows.min(), cols.max() - cols.min() + 1, rows.max() - rows.min() + 1,
                        hl if current else COLORS["kernel"], lw=2.4 if current else 1.8, gid="stamp")
        label = f"{pb.name('x', rc)}·w" if pb.n == 1 else f"{pb.name('x', rc)} = {_fmt(pb.x[rc])}"
        if pb.n == 1:
            board.text(sx - 0.3, sy + 0.5, label, ha="right", size=board.text_size(_LABEL_PT),
                       color=hl if current else _INK)
        else:
            board.text(sx + sh[1] / 2, sy - 0.15, label + " · w", va="bottom", size=board.text_size(_LABEL_PT),
                       color=hl if current else _INK)
        if current and show_inputs:
            board.frame(ix + rc[1], iy + rc[0], 1, 1, hl, lw=3.0, gid="current-input")
    if pb.n == 2:
        bx, by, bw, bh = g["stamps_box"]
        s_txt = _arg(pb.stride)
        extra = f", dilation {_arg(pb.dilation)}" if max(pb.dilation) > 1 else ""
        board.title(bx + bw / 2, by - 0.2, f"each input element stamps x[i,j]·w (stride {s_txt}{extra})")
    else:
        first = g["stamps"][0]
        board.title(first[0] + sh[1] / 2, first[1] - 0.45,
                    f"stamps x[i]·w, stride {pb.stride[0]} apart"
                    + (f" (taps {pb.dilation[0]} apart)" if pb.dilation[0] > 1 else ""))
    # the summed canvas
    cx, cy = g["sum"]
    _canvas_cells(board, data, values, counts, cx, cy, show_values, "canvas", top)
    # the output
    ox, oy = g["output"]
    if upto is None:
        y_show = pb.y
        faces = None
        texts = None
    else:
        kept_counts = counts[data.kept]
        y_show = values[data.kept]
        faces = [[_fill("output") if kept_counts[r, c] else "#FFFFFF" for c in range(y_show.shape[1])]
                 for r in range(y_show.shape[0])]
        texts = [[_fmt(y_show[r, c]) if kept_counts[r, c] else "" for c in range(y_show.shape[1])]
                 for r in range(y_show.shape[0])]
    board.grid(y_show, ox, oy, "output", show_values, gid="output", faces=faces, texts=texts)
    size = "×".join(map(str, pb.out_size if isinstance(pb.out_size, tuple) else (pb.out_size,)))
    if pb.n == 1:
        board.text(cx - 0.3, cy + 0.5, "sum", ha="right", size=board.text_size(_TITLE_PT), weight="bold")
        board.text(ox - 0.3, oy + 0.5, "output y", ha="right", size=board.text_size(_TITLE_PT), weight="bold")
        board.text(ox + pb.y.shape[1] + 0.3, oy + 0.5, f"({size})", ha="left", size=board.text_size(_LABEL_PT),
                   color="#555555")
    else:
        board.title(cx + sh[1] / 2, cy - 0.2, "sum of stamps")
        board.title(ox + pb.y.shape[1] / 2, cy - 0.2, "output y")
        board.text(ox + pb.y.shape[1] / 2, oy + pb.y.shape[0] + 0.45, size, size=board.text_size(_LABEL_PT),
                   color="#555555")
        mid = cy + sh[0] / 2
        board.text(cx - 1.15, mid, "=", size=board.text_size(16))
        board.text(ox - 1.15, mid - (oy - cy) * 0, "→", size=board.text_size(16))
        if any(pb.p2):
            board.text(ox - 1.15, mid + 0.7, "crop", size=board.text_size(_LABEL_PT - 1), color="#555555")
    if g["legend"]:
        board.legend(_scatter_legend(data, counts), g["legend_y"])
    if title:
        pass


def _params_text(pb, with_op=True):
    parts = [f"stride={_arg(pb.stride)}", f"padding={_arg(pb.padding)}"]
    if with_op and any(pb.output_padding):
        parts.append(f"output_padding={_arg(pb.output_padding)}")
    if any(d > 1 for d in pb.dilation):
        parts.append(f"dilation={_arg(pb.dilation)}")
    return ", ".join(parts)


def scatter_figure(x, w, stride=1, padding=0, output_padding=0, dilation=1, show_values=True):
    """The scatter view of a transposed convolution: every input element stamps a scaled kernel.

    Drawn, left to right (top to bottom in 1-D): the input ``x`` and the kernel ``w``; for each
    input element ``x[i]`` the stamp ``x[i] * w`` it writes into the *uncropped* output canvas,
    ``stride`` cells apart (taps ``dilation`` apart); the sum of the stamps, each cell shaded by
    how many stamps overlap there, with the border that ``padding`` crops hatched and the
    rows/columns that ``output_padding`` keeps marked; and the final output
    ``tconv_lib.conv_transpose(x, w, ...)``, framed in the canvas. Every number comes from the
    library (``method="scatter"``); used in chapters 00 and 02 (the definition), 03 (padding),
    04 (stride, output_padding), 05 (dilation) and 06.

    Parameters
    ----------
    x, w : array_like, 1-D or 2-D
        One input channel and one kernel (the numbers written in the cells).
    stride, padding, output_padding, dilation : int or tuple of ints
        As in ``tconv_lib.conv_transpose`` (and PyTorch).
    show_values : bool
        Write the numbers in the cells (they are left out when the cells are too small).

    Returns
    -------
    matplotlib.figure.Figure
        One Axes. Stamp frames have gid ``"stamp"``; output cells ``"output-cell:r,c"`` and
        their numbers ``"output-value:r,c"``; summed canvas cells ``"canvas-cell:r,c"``.

    Examples
    --------
    >>> from tconv_lib import viz
    >>> fig = viz.scatter_figure([[0, 1], [2, 3]], [[4, 7], [2, 2]])
    >>> len(fig.axes)
    1
    >>> len([p for p in fig.axes[0].patches if p.get_gid() == "stamp"])
    4
    >>> fig = viz.scatter_figure([[0, 1], [2, 3]], [[4, 7], [2, 2]], padding=1)
    >>> [t.get_text() for t in fig.axes[0].texts if (t.get_gid() or "").startswith("output-value")]
    ['28']
    """
    data = _ScatterData(x, w, stride, padding, output_padding, dilation)
    g = _scatter_geometry(data)
    fig, ax = _new_figure(*g["size"])
    _draw_scatter(_Board(ax, *g["size"]), data, g, show_values)
    return fig


# --------------------------------------------------------------------------------------------
# Direct (gather) view
# --------------------------------------------------------------------------------------------
class _DirectData:
    """The zero-inserted, padded (or cropped) input, the rotated kernel and the output, from the library."""

    def __init__(self, x, w, stride, padding, output_padding, dilation):
        pb = _Problem(x, w, stride, padding, output_padding, dilation, method="direct")
        self.pb = pb
        n = pb.n
        spread = insert_zeros(pb.x_native, pb.stride)
        marker = insert_zeros(np.full(pb.x_native.shape, 2.0), pb.stride) + 1.0  # 3 real, 1 inserted zero
        edges = [(d * (k - 1) - p, d * (k - 1) - p + op) for d, k, p, op in
                 zip(pb.dilation, pb.w_native.shape, pb.padding, pb.output_padding)]
        positive = [(max(b, 0), max(a, 0)) for b, a in edges]
        self.values = _as_2d(pad_or_crop(spread, positive))  # extended: padding added, nothing cropped yet
        self.roles = _as_2d(pad_or_crop(marker, positive))  # 0 padding
        crop = [(max(-b, 0), max(-a, 0)) for b, a in edges]
        self.crop = ([(0, 0)] + crop) if n == 1 else crop  # per drawing axis
        self.edges = ([(0, 0)] + edges) if n == 1 else edges
        self.rot = _as_2d(flip_weight(pb.w_native[None, None])[0, 0])
        padded = pad_or_crop(spread, edges)
        gathered = conv(padded[None, None], flip_weight(pb.w_native[None, None]), dilation=pb.dilation)[0, 0]
        assert np.allclose(gathered, pb.y_native), "the direct view must give the output"
        self.padded_shape = _as_2d(padded).shape

    def role(self, r, c):
        cropped = any(v < cb or v >= size - ca for v, (cb, ca), size in
                      zip((r, c), self.crop, self.values.shape))
        if cropped:
            return "cropped"
        return {0: "padding", 1: "zero", 3: "input"}[int(round(self.roles[r, c]))]

    def best_step(self):
        """The first output position whose window meets the most real (non-zero-inserted, non-padding) inputs."""
        scores = []
        for step in range(self.pb.y.size):
            real = [cell for cell in self.window(step)[1] if self.role(*cell) == "input"]
            scores.append((sum(self.values[cell] != 0 for cell in real), len(real), -step))
        return -max(scores)[2]

    def window(self, step):
        """Extended-array cells that output ``step`` (flat, C order) reads, and its 2-D index."""
        pb = self.pb
        j = np.unravel_index(step, pb.y.shape)
        cells = []
        for t in np.ndindex(*pb.w.shape):
            cells.append(tuple(cb + jj + d * tt for (cb, _), jj, d, tt in zip(self.crop, j, pb.d2, t)))
        return j, cells


def _direct_geometry(data, compact=False):
    pb = data.pb
    (ih, iw), (kh, kw), (eh, ew), (oh, ow) = pb.x.shape, pb.w.shape, data.values.shape, pb.y.shape
    g = {}
    n_legend = [label for label, _ in _direct_legend(data)]
    if pb.n == 1:
        L, T = 5.0, 1.3
        g["input"] = (L, T)
        g["kernel"] = (L + iw + 3.0, T)
        g["rot"] = (L + iw + 3.0 + kw + 4.5, T)
        if compact:  # x and w are shown elsewhere; the sliding row shows the rotated kernel
            g["input"] = g["kernel"] = g["rot"] = None
            T = -1.6
        g["ext"] = (L, T + 2.2)
        g["slide"] = T + 3.5
        centre = pb.d2[1] * (kw - 1) / 2
        g["output"] = (L + data.crop[1][0] + centre, T + 5.0)
        g["eq_y"] = T + 6.6
        width = max(L + ew, 0 if compact else g["rot"][0] + kw, g["output"][0] + ow + 1.5) + 0.5
        g["legend_y"] = g["eq_y"] + 0.9
    else:
        T, gap = 1.5, 1.9
        aw = max(iw, kw, 3)
        g["input"] = (0.0, T + 0.7)
        g["kernel"] = (0.0, T + 0.7 + ih + T)
        T = T + 0.7
        if compact:
            aw, gap0 = 0.0, 0.0
            g["input"] = g["kernel"] = None
        else:
            gap0 = gap
        g["ext"] = (aw + gap0, T)
        rx = aw + gap0 + ew + gap + 0.7
        g["rot"] = (rx, T)
        g["output"] = (rx + max(kw, 4) + gap, T)
        g["eq_y"] = T + max(eh, 0 if compact else g["kernel"][1] - T + kh) + 0.6
        width = g["output"][0] + max(ow, 4)
        width = max(width, aw + gap0 + 14)
        g["legend_y"] = g["eq_y"] + 1.0
    height = g["legend_y"] + (0.0 if compact else _legend_rows(n_legend, width))
    g["legend"] = not compact
    g["size"] = (width, height)
    return g


def _direct_legend(data):
    items = [("input x", dict(facecolor=_fill("input"), edgecolor=_GRID))]
    kinds = {data.role(r, c) for r, c in np.ndindex(*data.values.shape)}
    pb = data.pb
    if "zero" in kinds:
        items.append((f"inserted zeros (stride {_arg(pb.stride)})",
                      dict(facecolor=_fill("zero"), edgecolor=_GRID, hatch=_HATCH["zero"])))
    amounts = [b for b, _ in data.edges[2 - pb.n:]]
    if "padding" in kinds:
        items.append((f"padding d(k-1)-p = {_arg(tuple(max(a, 0) for a in amounts))}",
                      dict(facecolor="white", edgecolor=_GRID, hatch=_HATCH["padding"])))
    if "cropped" in kinds:
        items.append((f"cropped: p-d(k-1) = {_arg(tuple(max(-a, 0) for a in amounts))}", dict(facecolor=_fill("cropped"), edgecolor=COLORS["cropped"],
                                                  hatch="xx")))
    items.append(("window", dict(facecolor="white", edgecolor=COLORS["highlight"], linewidth=2.2)))
    return items


def _draw_direct(board, data, g, show_values=True, step=0, reveal=None):
    pb = data.pb
    hl = COLORS["highlight"]
    board.uniform_values(pb.x, pb.w, pb.y)
    show_inputs = g["input"] is not None
    if show_inputs:
        ix, iy = g["input"]
        kx, ky = g["kernel"]
        board.grid(pb.x, ix, iy, "input", show_values, gid="input")
        board.grid(pb.w, kx, ky, "kernel", show_values, gid="kernel")
    ex, ey = g["ext"]
    eh, ew = data.values.shape
    faces, hatches, colors = [], [], []
    for r in range(eh):
        faces.append([]), hatches.append([]), colors.append([])
        for c in range(ew):
            role = data.role(r, c)
            base = role if role != "cropped" else {0: "padding", 1: "zero", 3: "input"}[int(round(data.roles[r, c]))]
            faces[r].append(_fill("cropped") if role == "cropped" else _fill(base))
            hatches[r].append(_HATCH.get(role) if role != "input" else None)
            colors[r].append("#777777" if role in ("padding", "zero", "cropped") else _INK)
    board.grid(data.values, ex, ey, "input", show_values, gid="padded", faces=faces, hatches=hatches,
               text_colors=colors)
    # frame of the array the rotated kernel slides over (inside any cropped border)
    (cb0, ca0), (cb1, ca1) = data.crop
    board.frame(ex + cb1, ey + cb0, ew - cb1 - ca1, eh - cb0 - ca0, _GRID, lw=1.6, z=3)
    if g["rot"] is not None:
        rx, ry = g["rot"]
        board.grid(data.rot, rx, ry, "kernel", show_values, gid="rot")
    ox, oy = g["output"]
    oh, ow = pb.y.shape
    if reveal is None:
        board.grid(pb.y, ox, oy, "output", show_values, gid="output")
    else:
        done = np.arange(pb.y.size).reshape(pb.y.shape) <= reveal
        faces_o = [[_fill("output") if done[r, c] else "#FFFFFF" for c in range(ow)] for r in range(oh)]
        texts_o = [[_fmt(pb.y[r, c]) if done[r, c] else "" for c in range(ow)] for r in range(oh)]
        board.grid(pb.y, ox, oy, "output", show_values, gid="output", faces=faces_o, texts=texts_o)
    size = "×".join(map(str, pb.out_size if isinstance(pb.out_size, tuple) else (pb.out_size,)))
    tpt = board.text_size(_TITLE_PT)
    eq = ""
    if step is not None:
        j, cells = data.window(step)
        vsize = board.value_size(["-00"], fraction=0.6) if show_values else None
        terms = []
        for (r, c), kv in zip(cells, data.rot.ravel()):
            board.frame(ex + c, ey + r, 1, 1, hl, lw=2.6, gid="window", z=5)
            if vsize and pb.n == 2:
                board.text(ex + c + 0.94, ey + r + 0.9, _fmt(kv), size=vsize, color="#8A4B00", ha="right",
                           va="bottom", gid="window-weight")
            if data.role(r, c) == "input":
                terms.append(f"{_fmt(data.values[r, c])}·{_fmt(kv)}")
        rows = [c[0] for c in cells]
        cols = [c[1] for c in cells]
        if len(cells) > 1:
            board.frame(ex + min(cols) - 0.08, ey + min(rows) - 0.08, max(cols) - min(cols) + 1.16,
                        max(rows) - min(rows) + 1.16, hl, lw=1.0, ls="--", z=5)
        jr, jc = j
        board.frame(ox + jc, oy + jr, 1, 1, hl, lw=3.0, gid="output-step", z=5)
        name = pb.name("y", (jr, jc))
        if not terms:
            eq = f"{name} = 0   (the window covers only zeros)"
        else:
            if len(terms) > 6:
                terms = terms[:5] + ["…"]
            eq = f"{name} = " + " + ".join(terms) + f" = {_fmt(pb.y[jr, jc])}"
        if pb.n == 1:
            sx = ex + cells[0][1]
            sy = g["slide"]
            faces_k = [[_fill("kernel") if (t % pb.d2[1] == 0) else "#FFFFFF"
                        for t in range(pb.d2[1] * (pb.w.shape[1] - 1) + 1)]]
            vals_k = np.zeros((1, pb.d2[1] * (pb.w.shape[1] - 1) + 1))
            vals_k[0, :: pb.d2[1]] = data.rot[0]
            texts_k = [[_fmt(v) if t % pb.d2[1] == 0 else "" for t, v in enumerate(vals_k[0])]]
            board.grid(vals_k, sx, sy, "kernel", show_values, gid="slide", faces=faces_k, texts=texts_k,
                       hatches=[[None] * vals_k.shape[1]])
            board.frame(sx, sy, vals_k.shape[1], 1, hl, lw=2.2)
    if pb.n == 1:
        board.text(ex - 0.3, ey + 0.5, "zeros inserted,\npadded input", ha="right", size=tpt, weight="bold")
        board.text(ox - 0.3, oy + 0.5, "output y", ha="right", size=tpt, weight="bold")
        if show_inputs:
            board.text(ix - 0.3, iy + 0.5, "input x", ha="right", size=tpt, weight="bold")
            board.text(kx - 0.3, ky + 0.5, "kernel w", ha="right", size=tpt, weight="bold")
            board.text(rx - 0.3, ry + 0.5, "rotated 180°", ha="right", size=tpt, weight="bold")
        if step is not None:
            board.text(ex - 0.3, g["slide"] + 0.5, "slides", ha="right", size=tpt, color=hl)
        board.text(ox + ow + 0.3, oy + 0.5, f"({size})", ha="left", size=board.text_size(_LABEL_PT), color="#555555")
        board.text(ex, g["eq_y"] + 0.3, eq, ha="left", size=board.text_size(_LABEL_PT + 1))
    else:
        if show_inputs:
            board.title(ix + pb.x.shape[1] / 2, iy - 0.2, "input x")
            board.title(kx + pb.w.shape[1] / 2, ky - 0.2, "kernel w")
        amounts = [b for b, _ in data.edges]
        if min(amounts) >= 0:
            edge = f"padded by {_arg(tuple(amounts))}"
        elif max(amounts) <= 0:
            edge = f"cropped by {_arg(tuple(-a for a in amounts))}"
        else:
            edge = f"padded/cropped by {_arg(tuple(amounts))}"
        board.title(ex + ew / 2, ey - 0.2, f"zeros inserted,\n{edge}")
        board.title(rx + pb.w.shape[1] / 2, ry - 0.2, "w rotated\n180°")
        board.title(ox + ow / 2, oy - 0.2, "output y")
        board.text(ox + ow / 2, oy + oh + 0.45, size, size=board.text_size(_LABEL_PT), color="#555555")
        board.text(ex, g["eq_y"] + 0.3, eq, ha="left", size=board.text_size(_LABEL_PT + 1))
    if g["legend"]:
        board.legend(_direct_legend(data), g["legend_y"])


def direct_figure(x, w, stride=1, padding=0, output_padding=0, dilation=1, show_values=True, step=None):
    """The direct (gather) view: a stride-1 convolution of a zero-inserted, padded input.

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
    x, w : array_like, 1-D or 2-D
    stride, padding, output_padding, dilation : int or tuple of ints
        As in ``tconv_lib.conv_transpose``.
    show_values : bool
    step : int or None
        Flat (C-order) index of the output position whose window is highlighted; ``None``
        picks the first position whose window meets the most real inputs.

    Returns
    -------
    matplotlib.figure.Figure
        One Axes. Window cells have gid ``"window"``; output numbers ``"output-value:r,c"``.

    Examples
    --------
    >>> from tconv_lib import viz
    >>> fig = viz.direct_figure([[0, 1], [2, 3]], [[4, 7], [2, 2]], stride=2, step=4)
    >>> len([p for p in fig.axes[0].patches if p.get_gid() == "window"])
    4
    >>> fig = viz.direct_figure([0, 1, 2, 3, 4], [1, 1, 1], padding=3)  # p > k-1: the input is cropped
    >>> [t.get_text() for t in fig.axes[0].texts if (t.get_gid() or "").startswith("output-value")]
    ['6']
    """
    data = _DirectData(x, w, stride, padding, output_padding, dilation)
    step = data.best_step() if step is None else _check_step(step, data.pb.y.size)
    g = _direct_geometry(data)
    fig, ax = _new_figure(*g["size"])
    _draw_direct(_Board(ax, *g["size"]), data, g, show_values, step=step)
    return fig


def _check_step(step, size):
    if isinstance(step, (bool, np.bool_)) or not isinstance(step, (int, np.integer)):
        raise TypeError(f"step={step!r} must be an int (a flat index into the output)")
    if not 0 <= step < size:
        raise ValueError(f"step={step} must be in 0..{size - 1}: the output has {size} positions")
    return int(step)


# --------------------------------------------------------------------------------------------
# Matrix view
# --------------------------------------------------------------------------------------------
def _matrix_cmap(values):
    nonneg = values.min() >= 0
    if nonneg:
        cmap = mcolors.LinearSegmentedColormap.from_list(
            "tconv_kernel", ["#FFFFFF", _tint(COLORS["kernel"], 0.55), "#8A5A00"])
        top = float(values.max()) or 1.0
        return cmap, mcolors.Normalize(0, top)
    cmap = matplotlib.colormaps["PuOr_r"]
    top = float(np.abs(values).max()) or 1.0
    return cmap, mcolors.Normalize(-top, top)


def matrix_figure(w, in_shape, stride=1, padding=0, dilation=1, transposed=False, show_values=True, *, x=None):
    """The convolution matrix C (or C^T) as a labelled heatmap.

    ``C = tconv_lib.conv_matrix(w, in_shape, ...)`` maps the flattened input ``x`` of the
    convolution (columns ``x00, x01, ...``) to its flattened output (rows ``y00, y01, ...``);
    ``transposed=True`` draws ``C^T``, the matrix of the transposed convolution (rows ``x..``,
    columns ``y..``). Zeros are left blank so the band (1-D) or doubly block-Toeplitz (2-D)
    pattern stands out; in 2-D, lines separate the blocks (one block per pair of an output row
    and an input row). Non-zero entries carry their values when the cells are big enough.
    Used in chapter 01 (C) and chapter 02 (C^T: the transposed convolution is multiplication by C^T).

    Parameters
    ----------
    w : array_like, 1-D or 2-D
        One kernel.
    in_shape : int or tuple of ints
        Spatial shape of the *convolution's* input (the transposed convolution's output).
    stride, padding, dilation : int or tuple of ints
        As in ``tconv_lib.conv_matrix``.
    transposed : bool
        Draw C^T instead of C.
    show_values : bool
    x : array_like, optional (keyword only)
        A vector to multiply: with ``transposed=True`` it is the transposed convolution's input
        (the convolution's output shape) and the figure shows ``C^T x = y`` with
        ``y = tconv_lib.conv_transpose(x, w, stride, padding, dilation=dilation)``; otherwise it
        is the convolution's input and the figure shows ``C x``.

    Returns
    -------
    matplotlib.figure.Figure
        One Axes; its first image holds the matrix (``fig.axes[0].images[0].get_array()``).

    Examples
    --------
    >>> import numpy as np
    >>> import tconv_lib as tl
    >>> from tconv_lib import viz
    >>> w = np.arange(1, 10).reshape(3, 3)
    >>> fig = viz.matrix_figure(w, (4, 4))  # the 4 x 16 matrix of chapter 01
    >>> fig.axes[0].images[0].get_array().shape
    (4, 16)
    >>> fig = viz.matrix_figure(w, (4, 4), transposed=True)
    >>> bool(np.array_equal(fig.axes[0].images[0].get_array(), tl.conv_matrix(w[None, None], (4, 4)).T))
    True
    """
    wa = as_real_array(w, "w")
    matrix = conv_matrix(wa[None, None], in_shape, stride, padding, dilation)  # the library checks everything
    n = wa.ndim
    if n not in (1, 2):
        raise ValueError(f"viz draws 1-D and 2-D kernels; w has shape {wa.shape}")
    ins = as_tuple(in_shape, n, "in_shape", minimum=1)
    s = as_tuple(stride, n, "stride", minimum=1)
    p = as_tuple(padding, n, "padding", minimum=0)
    d = as_tuple(dilation, n, "dilation", minimum=1)
    from .shapes import conv_output_size

    outs = conv_output_size(ins, tuple(wa.shape), s, p, d)
    outs = outs if isinstance(outs, tuple) else (outs,)
    row_labels = [_sub_label("y", pos, outs) for pos in np.ndindex(*outs)]
    col_labels = [_sub_label("x", pos, ins) for pos in np.ndindex(*ins)]
    row_block, col_block = (outs[-1], ins[-1]) if n == 2 else (None, None)
    vec_in = vec_out = None
    if x is not None:
        xa = as_real_array(x, "x")
        if transposed:
            y = conv_transpose(xa[None, None], wa[None, None], s, p, 0, d)[0, 0]
            if y.shape != ins:
                # the matrix's C^T maps conv-output-shaped inputs to in_shape outputs
                raise ValueError(f"conv_transpose of x gives shape {y.shape}, not in_shape={ins}: choose "
                                 f"in_shape = tconv_lib.conv_transpose_output_size(...)")
            assert np.allclose(matrix.T @ xa.ravel(), y.ravel())
            vec_in, vec_out = xa.ravel(), y.ravel()
        else:
            y = conv(xa[None, None], wa[None, None], s, p, d)[0, 0]
            assert np.allclose(matrix @ xa.ravel(), y.ravel())
            vec_in, vec_out = xa.ravel(), y.ravel()
    if transposed:
        matrix = matrix.T
        row_labels, col_labels = col_labels, row_labels
        row_block, col_block = col_block, row_block
    name = "C" + ("ᵀ" if transposed else "")
    sizes = "×".join(map(str, matrix.shape))
    title = f"{name} ({sizes}): {'transposed ' if transposed else ''}convolution"
    params = ([f"kernel {'×'.join(map(str, wa.shape))}", f"input {'×'.join(map(str, outs if transposed else ins))}",
               f"stride={_arg(s)}", f"padding={_arg(p)}"] + ([f"dilation={_arg(d)}"] if max(d) > 1 else []))
    fig = _draw_matrix_figure(matrix, row_labels, col_labels, row_block, col_block, show_values,
                              title + "\n" + ", ".join(params), vec_in, vec_out, transposed)
    return fig


def _matrix_geometry(matrix, vec_in, min_width=9.0, title_rows=2):
    R, K = matrix.shape
    Lm, Tm = 1.8, 1.6 + 0.75 * title_rows
    g = {"mat": (Lm, Tm)}
    width = Lm + K + 0.3
    if vec_in is not None:
        g["vin"] = (width + 1.4, Tm)
        g["vout"] = (width + 1.4 + 1 + 2.6, Tm)
        width = width + 1.4 + 1 + 2.6 + 1 + 1.6
    g["size"] = (max(width, min_width), Tm + max(R, K if vec_in is not None else 0) + 0.3)
    return g


def _draw_matrix(board, matrix, row_labels, col_labels, row_block, col_block, show_values, title, g,
                 vec_in=None, vec_out=None, transposed=False):
    ax = board.ax
    R, K = matrix.shape
    mx, my = g["mat"]
    cmap, norm = _matrix_cmap(matrix)
    ax.imshow(matrix, cmap=cmap, norm=norm, extent=(mx, mx + K, my + R, my), interpolation="nearest", zorder=1)
    # light cell grid, frame and block lines
    lw = 0.3 if board.cell_pt > 8 else 0.0
    for r in range(R + 1):
        ax.plot([mx, mx + K], [my + r, my + r], color="#D9D9D9", lw=lw, zorder=2)
    for c in range(K + 1):
        ax.plot([mx + c, mx + c], [my, my + R], color="#D9D9D9", lw=lw, zorder=2)
    if row_block:
        for r in range(row_block, R, row_block):
            ax.plot([mx, mx + K], [my + r, my + r], color=_GRID, lw=1.3, zorder=3, gid="block-line")
    if col_block:
        for c in range(col_block, K, col_block):
            ax.plot([mx + c, mx + c], [my, my + R], color=_GRID, lw=1.3, zorder=3, gid="block-line")
    board.frame(mx, my, K, R, _GRID, lw=1.3, z=3)
    strings = [_fmt(v) for v in matrix.ravel() if v != 0]
    size = board.value_size(strings) if show_values else None
    if size:
        for (r, c), v in np.ndenumerate(matrix):
            if v != 0:
                face = cmap(norm(v))
                board.text(mx + c + 0.5, my + r + 0.52, _fmt(v), size=size, color=_ink_on(face),
                           gid=f"matrix-value:{r},{c}")
    lsize = max(6.0, min(_LABEL_PT, 0.8 * board.cell_pt))
    every = max(1, int(np.ceil(lsize * 1.15 / max(board.cell_pt, 1e-9))))
    for r, lab in enumerate(row_labels):
        if r % every == 0:
            board.text(mx - 0.15, my + r + 0.5, lab, ha="right", size=lsize,
                       color=COLORS["input"] if lab.startswith("$x") else "#006B4F")
    for c, lab in enumerate(col_labels):
        if c % every == 0:
            board.text(mx + c + 0.5, my - 0.15, lab, ha="center", va="bottom", rotation=90, size=lsize,
                       color=COLORS["input"] if lab.startswith("$x") else "#006B4F")
    head, _, rest = title.partition("\n")
    board.text(0.0, 0.05, head, ha="left", va="top", size=board.text_size(_TITLE_PT), weight="bold")
    if rest:
        board.text(0.0, 0.85, rest, ha="left", va="top", size=board.text_size(_LABEL_PT), color="#333333")
    if vec_in is not None:
        vx, vy = g["vin"]
        ox, oy = g["vout"]
        in_role, out_role = ("output", "input") if transposed else ("input", "output")
        # The tconv's input is the conv's output (y labels), drawn in the input colour of *its* operation.
        board.grid(vec_in[:, None], vx, vy, "input", show_values, gid="vector-in")
        board.grid(vec_out[:, None], ox, oy, "output", show_values, gid="vector-out")
        board.text(vx - 0.7, vy + min(len(vec_in), len(vec_out)) / 2, "·", size=board.text_size(22),
                   weight="bold")
        board.text(ox - 1.3, oy + min(len(vec_in), len(vec_out)) / 2, "=", size=board.text_size(16))
        labels_in = col_labels
        labels_out = row_labels
        for i, lab in enumerate(labels_in):
            board.text(vx + 1.15, vy + i + 0.5, lab, ha="left", size=lsize)
        for i, lab in enumerate(labels_out):
            board.text(ox + 1.15, oy + i + 0.5, lab, ha="left", size=lsize)
        head_in = col_labels[0][1] if col_labels[0].startswith("$") else "in"
        head_out = row_labels[0][1] if row_labels[0].startswith("$") else "out"
        board.text(vx + 0.5, vy - 0.15, head_in, va="bottom", size=board.text_size(_TITLE_PT), weight="bold",
                   style="italic")
        board.text(ox + 0.5, oy - 0.15, head_out, va="bottom", size=board.text_size(_TITLE_PT), weight="bold",
                   style="italic")
        del in_role, out_role


def _draw_matrix_figure(matrix, row_labels, col_labels, row_block, col_block, show_values, title, vec_in, vec_out,
                        transposed):
    g = _matrix_geometry(matrix, vec_in)
    fig, ax = _new_figure(*g["size"])
    _draw_matrix(_Board(ax, *g["size"]), matrix, row_labels, col_labels, row_block, col_block, show_values, title,
                 g, vec_in, vec_out, transposed)
    return fig


# --------------------------------------------------------------------------------------------
# Overlap map
# --------------------------------------------------------------------------------------------
def overlap_figure(in_shape, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
    """How many kernel stamps cover each output pixel: the picture of the checkerboard.

    The counts are ``tconv_lib.overlap_counts(in_shape, kernel_size, ...)``, drawn as an
    annotated heatmap (darker = more stamps). In 1-D a bar over each output position shows the
    same counts; in 2-D the products of the 1-D patterns make the checkerboard that
    Odena et al. describe whenever the kernel size is not divisible by the stride.
    Used in chapters 07 and 10.

    Parameters
    ----------
    in_shape : int or tuple of ints
        Spatial shape of the transposed convolution's input.
    kernel_size, stride, padding, output_padding, dilation : int or tuple of ints

    Returns
    -------
    matplotlib.figure.Figure
        One Axes; its first image holds the counts.

    Examples
    --------
    >>> import tconv_lib as tl
    >>> from tconv_lib import viz
    >>> fig = viz.overlap_figure((4, 4), 3, stride=2)
    >>> bool((fig.axes[0].images[0].get_array() == tl.overlap_counts((4, 4), 3, stride=2)).all())
    True
    >>> fig = viz.overlap_figure(4, 3, stride=2)  # 1-D: 1 1 2 1 2 1 2 1 1
    >>> [t.get_text() for t in fig.axes[0].texts if (t.get_gid() or "").startswith("count")]
    ['1', '1', '2', '1', '2', '1', '2', '1', '1']
    """
    counts = overlap_counts(in_shape, kernel_size, stride, padding, output_padding, dilation)
    n = counts.ndim
    if n not in (1, 2):
        raise ValueError(f"viz draws 1-D and 2-D overlap maps; in_shape={in_shape!r} has {n} dimensions")
    k = as_tuple(kernel_size, n, "kernel_size", minimum=1)
    s = as_tuple(stride, n, "stride", minimum=1)
    p = as_tuple(padding, n, "padding", minimum=0)
    op = as_tuple(output_padding, n, "output_padding", minimum=0)
    d = as_tuple(dilation, n, "dilation", minimum=1)
    c2 = _as_2d(counts)
    top = max(int(counts.max()), 1)
    R, K = c2.shape
    bars = 0.9 * top + 0.4 if n == 1 else 0.0
    T = 1.6
    L = 1.2
    present = [int(c) for c in np.unique(counts)]
    labels = [f"{c} stamp{'s' if c != 1 else ''}" for c in present]
    width = max(L + K + 0.4, 13.0)
    height = T + bars + R + 0.9 + _legend_rows(labels, width)
    fig, ax = _new_figure(width, height)
    board = _Board(ax, width, height)
    colors = [_count_color(c, top) for c in range(top + 1)]
    cmap = mcolors.ListedColormap(colors)
    norm = mcolors.BoundaryNorm(np.arange(-0.5, top + 1.5), cmap.N)
    x0 = L + (width - L - K) / 2 - 0.4 if K + L < width else L
    y0 = T + bars
    ax.imshow(c2 if n == 2 else counts[None, :], cmap=cmap, norm=norm, extent=(x0, x0 + K, y0 + R, y0),
              interpolation="nearest", zorder=1)
    if n == 1:
        # keep the image's data the counts themselves (1-D), drawn as one row
        ax.images[0].set_data(counts[None, :])
    size = board.value_size([str(top)])
    for (r, c), v in np.ndenumerate(c2):
        board.cell(x0 + c, y0 + r, "none", edge=_GRID, lw=0.7, z=2)
        if size:
            board.text(x0 + c + 0.5, y0 + r + 0.52, str(v), size=size, color=_ink_on(colors[v]),
                       gid=f"count:{r},{c}" if n == 2 else f"count:{c}")
    if n == 1:
        for c, v in enumerate(counts):
            if v:
                board.cell(x0 + c + 0.12, y0 - 0.2 - 0.9 * v, colors[v], edge=_GRID, lw=0.7, w=0.76, h=0.9 * v,
                           gid="bar")
        ax.plot([x0, x0 + K], [y0 - 0.2, y0 - 0.2], color=_GRID, lw=0.8)
    lsize = board.text_size(_LABEL_PT)
    idx_every = 1 if K <= 20 else 2
    for c in range(0, K, idx_every):
        board.text(x0 + c + 0.5, y0 + R + 0.35, str(c), size=lsize, color="#555555")
    if n == 2:
        for r in range(0, R, idx_every):
            board.text(x0 - 0.3, y0 + r + 0.5, str(r), size=lsize, color="#555555", ha="right")
    params = [f"kernel {'×'.join(map(str, k))}", f"stride {_arg(s)}"]
    if max(p):
        params.append(f"padding {_arg(p)}")
    if max(op):
        params.append(f"output_padding {_arg(op)}")
    if max(d) > 1:
        params.append(f"dilation {_arg(d)}")
    ins = in_shape if isinstance(in_shape, (tuple, list)) else (in_shape,)
    board.text(width / 2, 0.35, f"stamps per output pixel: input {'×'.join(map(str, ins))}, " + ", ".join(params),
               size=board.text_size(_TITLE_PT), weight="bold", va="top")
    # the interior: away from the borders, where every position could be reached by a full kernel
    interior = counts[tuple(slice(dd * (kk - 1), max(size - dd * (kk - 1), 0))
                            for kk, dd, size in zip(k, d, counts.shape))]
    if interior.size:
        levels = np.unique(interior)
        note = ("the interior is evenly covered: no checkerboard" if len(levels) == 1 else
                f"uneven overlap in the interior ({', '.join(map(str, levels))} stamps): the checkerboard")
        board.text(width / 2, 0.95, note, size=lsize, va="top", color="#555555")
    items = [(label, dict(facecolor=colors[c], edgecolor=_GRID)) for c, label in zip(present, labels)]
    board.legend(items, y0 + R + 0.9)
    return fig


# --------------------------------------------------------------------------------------------
# Sub-pixel view
# --------------------------------------------------------------------------------------------
class _SubpixelData:
    def __init__(self, w, stride, x=None, padding=0, dilation=1, in_size=None):
        wa = as_real_array(w, "w")
        n = wa.ndim
        if x is None:
            if n not in (1, 2):
                # let the library speak first about a malformed kernel
                conv_transpose(np.ones((1, 1) + (2,) * max(n, 1)), wa[None, None], stride, padding, 0, dilation)
                raise ValueError(f"viz draws 1-D and 2-D kernels; w has shape {wa.shape}")
            size = in_size if in_size is not None else (4 if n == 1 else 3)
            shape = as_tuple(size, n, "in_size", minimum=1)
            xa = np.ones(shape)
            self.values_known = False
        else:
            xa = as_real_array(x, "x")
            self.values_known = True
        y = conv_transpose(xa[None, None], wa[None, None], stride, padding, 0, dilation, method="subpixel")[0, 0]
        if n not in (1, 2):
            raise ValueError(f"viz draws 1-D and 2-D kernels; w has shape {wa.shape}")
        self.n = n
        self.stride = as_tuple(stride, n, "stride", minimum=1)
        self.padding = as_tuple(padding, n, "padding", minimum=0)
        self.dilation = as_tuple(dilation, n, "dilation", minimum=1)
        self.w, self.x, self.y = _as_2d(wa), _as_2d(xa), _as_2d(y)
        self.w_native, self.x_native = wa, xa
        pad1 = (lambda t, v: ((v,) + t) if n == 1 else t)
        self.s2, self.p2, self.d2 = pad1(self.stride, 1), pad1(self.padding, 0), pad1(self.dilation, 1)
        self.phases = list(np.ndindex(*self.s2))
        # phase of every tap: where (t*d) falls modulo s; of every output pixel: (j + p) mod s
        self.tap_phase = [[self.phases.index(tuple((t * d) % s for t, d, s in zip((r, c), self.d2, self.s2)))
                           for c in range(self.w.shape[1])] for r in range(self.w.shape[0])]
        self.out_phase = [[self.phases.index(tuple((j + p) % s for j, p, s in zip((r, c), self.p2, self.s2)))
                           for c in range(self.y.shape[1])] for r in range(self.y.shape[0])]
        self.subs = []
        for ph in self.phases:
            taps = [[t for t in range(k) if (t * d) % s == q] for q, k, d, s in zip(ph, self.w.shape, self.d2, self.s2)]
            sub = self.w[np.ix_(*taps)] if all(taps) else np.zeros((0, 0))
            self.subs.append((ph, taps, np.flip(sub, axis=(0, 1)) if sub.size else sub))

    def letter(self, i):
        return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[i] if i < 26 else str(i)

    def color(self, i):
        return PHASE_COLORS[i % len(PHASE_COLORS)]


def _subpixel_geometry(data, compact=False):
    (kh, kw), (oh, ow) = data.w.shape, data.y.shape
    T, gap, cap, mg = 1.6, 2.0, 1.0, 0.8
    bh = max([s.shape[0] for _, _, s in data.subs] + [1])
    bw = max([s.shape[1] for _, _, s in data.subs] + [1])
    bw = max(bw, 3.2 if data.n == 1 else 4.4)
    g = {}
    x0 = 0.0
    g["input"] = None
    if data.values_known and not compact:
        g["input"] = (0.0, T + cap)
        x0 = max(data.x.shape[1], 3) + gap
    g["kernel"] = (x0, T + cap)
    sx = x0 + max(kw, 3) + gap
    sr, sc = data.s2
    g["subs"] = [(sx + j * (bw + mg), T + cap + i * (bh + cap + mg)) for i in range(sr) for j in range(sc)]
    g["subs_box"] = (sx, T, sc * bw + (sc - 1) * mg)
    ox = sx + sc * bw + (sc - 1) * mg + gap
    g["output"] = (ox, T + cap)
    g["bw"] = bw
    width = ox + max(ow, 4) + 0.3
    body = max(T + cap + sr * (bh + cap + mg), T + cap + oh + 1.0, T + cap + kh + 1.0)
    labels = [label for label, _ in _subpixel_legend(data)]
    g["legend_y"] = body + 0.3
    g["legend"] = not compact
    g["size"] = (width, g["legend_y"] + (0.0 if compact else _legend_rows(labels, width)))
    return g


def _subpixel_legend(data):
    return [(f"{data.letter(i)}: phase {_index(ph) if data.n == 2 else ph[1]}",
             dict(facecolor=_tint(data.color(i), 0.45), edgecolor=_GRID)) for i, ph in enumerate(data.phases)]


def _draw_subpixel(board, data, g, show_values=True):
    T = 1.6
    tsize = board.text_size(_TITLE_PT)
    phase_face = [_tint(data.color(i), 0.45) for i in range(len(data.phases))]
    board.uniform_values(data.w, data.y if data.values_known else 0, data.x if data.values_known else 0)
    if g["input"] is not None:
        ix, iy = g["input"]
        board.grid(data.x, ix, iy, "input", show_values, gid="input")
        board.title(ix + data.x.shape[1] / 2, iy - 0.2, "input x")
    kx, ky = g["kernel"]
    faces = [[phase_face[data.tap_phase[r][c]] for c in range(data.w.shape[1])] for r in range(data.w.shape[0])]
    board.grid(data.w, kx, ky, "kernel", show_values, gid="kernel", faces=faces)
    lsize = board.value_size(["A"], fraction=0.55)
    if lsize:
        for r, c in np.ndindex(*data.w.shape):
            board.text(kx + c + 0.08, ky + r + 0.1, data.letter(data.tap_phase[r][c]), size=lsize, ha="left",
                       va="top", color=_GRID)
    board.title(kx + data.w.shape[1] / 2, ky - 0.2, "kernel w,\nby phase")
    bx, by, bwidth = g["subs_box"]
    s_txt = _arg(data.stride)
    n_sub = len(data.phases)
    board.title(bx + bwidth / 2, by - 0.2, f"{n_sub} sub-kernel{'s' if n_sub > 1 else ''} (stride {s_txt}),"
                f"\nrotated 180°")
    for i, ((ph, taps, sub), (sx, sy)) in enumerate(zip(data.subs, g["subs"])):
        if data.n == 1:
            sl = f"w[{taps[1][0]}::{data.s2[1] // np.gcd(data.s2[1], data.d2[1])}]" if taps[1] else "no taps"
        else:
            sl = ("w[" + ",".join(f"{t[0]}::{s // np.gcd(s, d)}" for t, s, d in zip(taps, data.s2, data.d2)) + "]"
                  if all(taps) else "no taps")
        board.text(sx, sy - 0.15, f"{data.letter(i)}: {sl}", ha="left", va="bottom",
                   size=board.text_size(_LABEL_PT), color=_INK, gid="subkernel-label")
        if sub.size:
            board.grid(sub, sx, sy, "kernel", show_values, gid=f"sub{i}",
                       faces=[[phase_face[i]] * sub.shape[1]] * sub.shape[0])
            board.frame(sx, sy, sub.shape[1], sub.shape[0], _GRID, lw=1.4, gid="subkernel")
        else:
            board.text(sx + 0.1, sy + 0.5, "→ zeros", ha="left", size=board.text_size(_LABEL_PT), color="#555555",
                       gid="subkernel")
    ox, oy = g["output"]
    oh, ow = data.y.shape
    faces = [[phase_face[data.out_phase[r][c]] for c in range(ow)] for r in range(oh)]
    if data.values_known:
        board.grid(data.y, ox, oy, "output", show_values, gid="output", faces=faces)
        lsize = board.value_size(["A"], fraction=0.5)
        if lsize:
            for r, c in np.ndindex(oh, ow):
                board.text(ox + c + 0.06, oy + r + 0.08, data.letter(data.out_phase[r][c]), size=lsize,
                           ha="left", va="top", color=_GRID)
        board.title(ox + ow / 2, oy - 0.2, "output y,\ninterleaved")
    else:
        texts = [[data.letter(data.out_phase[r][c]) for c in range(ow)] for r in range(oh)]
        board.grid(data.y, ox, oy, "output", True, gid="output", faces=faces, texts=texts)
        board.title(ox + ow / 2, oy - 0.2, "output pixels:\nwhich sub-kernel")
    if g["legend"]:
        board.legend(_subpixel_legend(data), g["legend_y"])
    del T, tsize


def _y_shape(self):
    return self.y.shape if self.n == 2 else (self.y.shape[1],)


_SubpixelData.y_shape = _y_shape


def subpixel_figure(w, stride, *, x=None, padding=0, dilation=1, in_size=None, show_values=True):
    """The sub-pixel view: a strided transposed convolution is stride^n small convolutions, interleaved.

    Drawn: the kernel with every tap coloured (and lettered) by its *phase* ``t*d mod s``; the
    ``stride^n`` sub-kernels, one per phase, each rotated 180 degrees, exactly as
    ``tconv_lib.conv_transpose(method="subpixel")`` uses them (for dilation 1 the sub-kernel of
    phase ``q`` is ``w[q::s]``); and the output grid coloured by the phase of each pixel
    (``(j + p) mod s``): which sub-kernel's stride-1 convolution computes it. Given ``x`` the
    figure also shows the input and the output numbers. Used in chapter 08 (sub-pixel
    convolution, pixel shuffle, the checkerboard's cause).

    Parameters
    ----------
    w : array_like, 1-D or 2-D
        One kernel.
    stride : int or tuple of ints
    x : array_like, optional (keyword only)
        An input: show the output numbers ``tconv_lib.conv_transpose(x, w, stride, padding,
        method="subpixel")``; without it the output pattern of a small input is shown.
    padding, dilation : int or tuple of ints (keyword only)
    in_size : int or tuple of ints, optional (keyword only)
        Input size used for the pattern when ``x`` is not given (default 3x3, or 4 in 1-D).
    show_values : bool (keyword only)

    Returns
    -------
    matplotlib.figure.Figure
        One Axes. Sub-kernel frames have gid ``"subkernel"`` (one per phase).

    Examples
    --------
    >>> import numpy as np
    >>> from tconv_lib import viz
    >>> fig = viz.subpixel_figure(np.arange(1, 10).reshape(3, 3), 2)
    >>> len([a for a in fig.axes[0].patches + fig.axes[0].texts if a.get_gid() == "subkernel"])
    4
    """
    data = _SubpixelData(w, stride, x=x, padding=padding, dilation=dilation, in_size=in_size)
    g = _subpixel_geometry(data)
    fig, ax = _new_figure(*g["size"])
    _draw_subpixel(_Board(ax, *g["size"]), data, g, show_values)
    return fig


# --------------------------------------------------------------------------------------------
# Four views
# --------------------------------------------------------------------------------------------
def four_views_figure(x, w, stride=1, padding=0):
    """One small example, four views that end in the same output numbers.

    Top left, the scatter view (every input element stamps ``x[i] * w``; ``method="scatter"``);
    top right, the matrix view ``y = C^T x`` (``tconv_lib.conv_matrix``); bottom left, the
    direct view (zero insertion, padding, the rotated kernel; ``method="direct"``); bottom
    right, the sub-pixel view (``stride^n`` sub-kernels, interleaved; ``method="subpixel"``).
    Each panel computes the output its own way, and the figure checks they agree. Used in
    chapter 02 as the summary of the four definitions.

    Parameters
    ----------
    x, w : array_like, 1-D or 2-D
    stride, padding : int or tuple of ints

    Returns
    -------
    matplotlib.figure.Figure
        Five Axes: scatter, matrix, direct, sub-pixel, then the example ``x`` and ``w`` on top.

    Examples
    --------
    >>> from tconv_lib import viz
    >>> fig = viz.four_views_figure([[0, 1], [2, 3]], [[4, 7], [2, 2]], stride=2)
    >>> len(fig.axes)
    5
    """
    import matplotlib.pyplot as plt

    scatter = _ScatterData(x, w, stride, padding, 0, 1)
    direct = _DirectData(x, w, stride, padding, 0, 1)
    sub = _SubpixelData(w, stride, x=x, padding=padding)
    pb = scatter.pb
    out_shape = pb.y_native.shape
    in_shape = pb.x_native.shape
    matrix = conv_matrix(pb.w_native[None, None], out_shape, pb.stride, pb.padding).T
    y_matrix = matrix @ pb.x_native.ravel()
    for other in (direct.pb.y_native.ravel(), sub.y.ravel(), y_matrix):
        assert np.allclose(pb.y_native.ravel(), other), "the four views must agree"
    # In this figure x is the transposed convolution's input and y its output, in every panel.
    row_labels = [_sub_label("y", pos, out_shape) for pos in np.ndindex(*out_shape)]
    col_labels = [_sub_label("x", pos, in_shape) for pos in np.ndindex(*in_shape)]
    geo = [
        _scatter_geometry(scatter, compact=True),
        _matrix_geometry(matrix, pb.x_native.ravel(), min_width=0.0, title_rows=0),
        _direct_geometry(direct, compact=True),
        _subpixel_geometry(sub, compact=True),
    ]
    sizes = [gg["size"] for gg in geo]
    # One cell size for all four panels, so the same number is written the same size everywhere.
    head_cells = 1.6 + max(pb.x.shape[0], pb.w.shape[0]) + 0.4
    heading_in, gap_in, max_w, max_h = 0.42, 0.5, 10.0, 11.0
    rows = [(sizes[0], sizes[1]), (sizes[2], sizes[3])]
    width_cells = max(a[0] + b[0] for a, b in rows)
    height_cells = sum(max(a[1], b[1]) for a, b in rows) + head_cells
    cell = min(_CELL_INCHES, (max_w - 0.2 - gap_in) / width_cells,
               (max_h - 0.5 - 2 * heading_in) / height_cells)
    fig_w = max(a[0] + b[0] for a, b in rows) * cell + gap_in + 0.2
    row_h = [max(a[1], b[1]) * cell for a, b in rows]
    legend_in = 0.75
    fig_h = 0.5 + head_cells * cell + sum(row_h) + 2 * heading_in + legend_in
    fig = plt.figure(figsize=(fig_w, fig_h))
    fig.patch.set_facecolor("white")

    def box(left, top, w_in, h_in):
        return fig.add_axes((left / fig_w, 1 - (top + h_in) / fig_h, w_in / fig_w, h_in / fig_h))

    axes = []
    top = 0.5 + head_cells * cell
    for (a, b) in rows:
        top += heading_in
        axes.append(box(0.1, top, a[0] * cell, a[1] * cell))
        axes.append(box(0.1 + a[0] * cell + gap_in, top, b[0] * cell, b[1] * cell))
        top += max(a[1], b[1]) * cell
    _draw_scatter(_Board(axes[0], *sizes[0]), scatter, geo[0], True)
    _draw_matrix(_Board(axes[1], *sizes[1]), matrix, row_labels, col_labels,
                 out_shape[-1] if pb.n == 2 else None, in_shape[-1] if pb.n == 2 else None,
                 True, "", geo[1], pb.x_native.ravel(), y_matrix, True)
    _draw_direct(_Board(axes[2], *sizes[2]), direct, geo[2], True, step=direct.best_step())
    _draw_subpixel(_Board(axes[3], *sizes[3]), sub, geo[3], True)
    # the shared example, once, at the top
    head_w = pb.x.shape[1] + pb.w.shape[1] + 3.0
    header = fig.add_axes((0.1 / fig_w, 1 - (0.5 + head_cells * cell) / fig_h, head_w * cell / fig_w,
                           head_cells * cell / fig_h))
    hb = _Board(header, head_w, head_cells)
    hb.grid(pb.x, 0.0, 1.6, "input", True, gid="example-x")
    hb.grid(pb.w, pb.x.shape[1] + 2.0, 1.6, "kernel", True, gid="example-w")
    hb.title(pb.x.shape[1] / 2, 1.4, "input x")
    hb.title(pb.x.shape[1] + 2.0 + pb.w.shape[1] / 2, 1.4, "kernel w")
    names = ["1  scatter: x[i] stamps x[i]·w",
             "2  matrix: y = Cᵀx",
             "3  direct: zeros, padding, rotated kernel",
             f"4  sub-pixel: {len(sub.phases)} kernels, interleaved"]
    for ax, name in zip(axes, names):
        pos = ax.get_position()
        fig.text(pos.x0, pos.y1 + 0.12 / fig_h, name, fontsize=11, weight="bold", color=_INK, va="bottom")
    # one legend for the four panels
    items = [("input x", dict(facecolor=_fill("input"), edgecolor=_GRID)),
             ("kernel w", dict(facecolor=_fill("kernel"), edgecolor=_GRID)),
             ("output y", dict(facecolor=_fill("output"), edgecolor=_GRID))]
    top_count = int(scatter.counts.max())
    if top_count > 1:
        items += [(f"{c} stamps overlap", dict(facecolor=_count_color(c, top_count), edgecolor=_GRID))
                  for c in range(2, top_count + 1)]
    items += [label_props for label_props in _direct_legend(direct) if label_props[0] != "input x"]
    if any(pb.p2):
        items.append((f"cropped by padding={_arg(pb.padding)}", dict(facecolor="white", edgecolor=COLORS["cropped"],
                                                                       hatch="x")))
    fig.legend(handles=[Patch(label=label, **props) for label, props in items], loc="lower left",
               bbox_to_anchor=(0.1 / fig_w, 0.05 / fig_h), ncol=min(len(items), 4), frameon=False,
               fontsize=_LABEL_PT, handlelength=1.4, handleheight=1.1, columnspacing=1.4)
    size = "×".join(map(str, out_shape)) if pb.n == 2 else f"{out_shape[0]}-value"
    fig.text(0.1 / fig_w, 1 - 0.12 / fig_h, f"One transposed convolution ({_params_text(pb)}), four ways: "
             f"each ends in the same {size} output y", fontsize=12, weight="bold", va="top")
    return fig


# --------------------------------------------------------------------------------------------
# Animations
# --------------------------------------------------------------------------------------------
def _animation(width, height, frames, draw, interval, dpi):
    from matplotlib.animation import FuncAnimation

    fig, ax = _new_figure(width, height, managed=False, dpi=dpi)

    def update(i):
        ax.clear()
        draw(_Board(ax, width, height), i)
        return []

    update(0)
    anim = FuncAnimation(fig, update, frames=frames, init_func=lambda: [], interval=interval, blit=False,
                         repeat=True)
    return anim


def scatter_animation(x, w, stride=1, padding=0, output_padding=0, dilation=1, show_values=True, *,
                      interval=1000, dpi=80):
    """The scatter view, built up one input element at a time.

    Frame ``i`` highlights input element ``i`` (C order) and its stamp, and shows the canvas and
    the output after the stamps of elements ``0..i`` have been added: the running sums are
    ``tconv_lib.conv_transpose`` of the input with the later elements set to zero. One frame
    per input element; the last frame is :func:`scatter_figure`. Show it in a notebook with
    ``IPython.display.HTML(anim.to_jshtml())`` (chapter 02).

    Parameters
    ----------
    x, w, stride, padding, output_padding, dilation, show_values
        As in :func:`scatter_figure`.
    interval : int (keyword only)
        Milliseconds per frame.
    dpi : int (keyword only)
        Resolution of the frames (80 keeps the HTML small).

    Returns
    -------
    matplotlib.animation.FuncAnimation
        Its figure is not managed by pyplot (it does not show up as a static image).

    Examples
    --------
    >>> from tconv_lib import viz
    >>> anim = viz.scatter_animation([[0, 1], [2, 3]], [[4, 7], [2, 2]])
    >>> len(list(anim.new_frame_seq()))
    4

    In a notebook cell tagged ``nbval-ignore-output``:

    >>> from IPython.display import HTML
    >>> HTML(anim.to_jshtml())  # doctest: +SKIP
    """
    data = _ScatterData(x, w, stride, padding, output_padding, dilation)
    g = _scatter_geometry(data)
    frames = data.pb.x.size
    return _animation(*g["size"], frames, lambda board, i: _draw_scatter(board, data, g, show_values, upto=i),
                      interval, dpi)


def direct_animation(x, w, stride=1, padding=0, output_padding=0, dilation=1, show_values=True, *,
                     interval=800, dpi=80):
    """The direct view, the rotated kernel visiting one output position per frame.

    Frame ``j`` highlights the window that output ``j`` (C order) reads in the zero-inserted,
    padded input, writes out its sum, and shows the outputs ``0..j`` computed so far. One frame
    per output position. Show it with ``IPython.display.HTML(anim.to_jshtml())`` (chapter 02).

    Parameters
    ----------
    x, w, stride, padding, output_padding, dilation, show_values
        As in :func:`direct_figure`.
    interval : int (keyword only)
        Milliseconds per frame.
    dpi : int (keyword only)

    Returns
    -------
    matplotlib.animation.FuncAnimation

    Examples
    --------
    >>> from tconv_lib import viz
    >>> anim = viz.direct_animation([[0, 1], [2, 3]], [[4, 7], [2, 2]])
    >>> len(list(anim.new_frame_seq()))
    9
    """
    data = _DirectData(x, w, stride, padding, output_padding, dilation)
    g = _direct_geometry(data)
    frames = data.pb.y.size
    return _animation(*g["size"], frames,
                      lambda board, j: _draw_direct(board, data, g, show_values, step=j, reveal=j), interval, dpi)


def save_gif(anim, path, fps=1.0, dpi=80):
    """Save an animation of this module as a GIF (Pillow; no external program needed).

    Examples
    --------
    >>> from tconv_lib import viz
    >>> anim = viz.scatter_animation([1, 2], [1, 1])
    >>> viz.save_gif(anim, "scatter.gif")  # doctest: +SKIP
    """
    from matplotlib.animation import PillowWriter

    anim.save(path, writer=PillowWriter(fps=fps), dpi=dpi)


# --------------------------------------------------------------------------------------------
# Interactive explorer
# --------------------------------------------------------------------------------------------
def explorer():
    """Sliders for input size, kernel size, stride, padding, output_padding and dilation.

    Every change redraws :func:`scatter_figure` and :func:`direct_figure` for the input
    ``1, 2, ..., i`` (1-D) or ``i x i`` (2-D) and the kernel ``1, 2, ..., k`` (or ``k x k``), and
    prints the output size from ``tconv_lib.conv_transpose_output_size``. An invalid
    combination (for example ``output_padding >= max(stride, dilation)``) prints the library's
    error message instead. Needs a running Jupyter kernel (chapter 04; the website shows a static
    figure instead).

    Returns
    -------
    ipywidgets.VBox

    Examples
    --------
    >>> from tconv_lib import viz

    In a notebook (the sliders need a running kernel):

    >>> viz.explorer()  # doctest: +SKIP
    VBox(...)
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    style = {"description_width": "110px"}
    layout = widgets.Layout(width="320px")
    sliders = {
        "input size": widgets.IntSlider(value=3, min=1, max=6, description="input size", style=style, layout=layout),
        "kernel size": widgets.IntSlider(value=3, min=1, max=5, description="kernel size", style=style, layout=layout),
        "stride": widgets.IntSlider(value=2, min=1, max=4, description="stride", style=style, layout=layout),
        "padding": widgets.IntSlider(value=0, min=0, max=4, description="padding", style=style, layout=layout),
        "output_padding": widgets.IntSlider(value=0, min=0, max=3, description="output_padding", style=style,
                                            layout=layout),
        "dilation": widgets.IntSlider(value=1, min=1, max=3, description="dilation", style=style, layout=layout),
    }
    dims = widgets.ToggleButtons(options=["1-D", "2-D"], value="1-D", description="dims", style=style)
    out = widgets.Output()

    def redraw(*_):
        i, k = sliders["input size"].value, sliders["kernel size"].value
        s, p = sliders["stride"].value, sliders["padding"].value
        op, d = sliders["output_padding"].value, sliders["dilation"].value
        two = dims.value == "2-D"
        x = np.arange(1, i + 1, dtype=float)
        w = np.arange(1, k + 1, dtype=float)
        if two:
            x = np.arange(1, i * i + 1, dtype=float).reshape(i, i)
            w = np.arange(1, k * k + 1, dtype=float).reshape(k, k)
        out.clear_output(wait=True)
        with out:
            try:
                size = conv_transpose_output_size((i, i) if two else i, (k, k) if two else k, s, p, op, d)
                print(f"output size = s(i-1) + d(k-1) - 2p + output_padding + 1 = "
                      f"{s}·{i - 1} + {d}·{k - 1} - 2·{p} + {op} + 1 = {size if not two else size[0]}"
                      + (f"  (shape {size[0]}×{size[1]})" if two else ""))
                fig1 = scatter_figure(x, w, s, p, op, d, show_values=i * k <= 30 or not two)
                fig2 = direct_figure(x, w, s, p, op, d, show_values=i * k <= 30 or not two)
                display(fig1)
                display(fig2)
                plt.close(fig1)
                plt.close(fig2)
            except (ValueError, TypeError) as error:
                print(f"{type(error).__name__}: {error}")

    for widget in list(sliders.values()) + [dims]:
        widget.observe(redraw, names="value")
    left = widgets.VBox([dims, sliders["input size"], sliders["kernel size"], sliders["stride"]])
    right = widgets.VBox([sliders["padding"], sliders["output_padding"], sliders["dilation"]])
    box = widgets.VBox([widgets.HBox([left, right]), out])
    redraw()
    return box
