"""The course palette and the small text helpers every view shares."""

from __future__ import annotations

import matplotlib.colors as mcolors
import numpy as np

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
PHASE_COLORS = [
    "#88CCEE",
    "#CC6677",
    "#DDCC77",
    "#117733",
    "#332288",
    "#AA4499",
    "#44AA99",
    "#999933",
    "#882255",
]

INK = "#1A1A1A"
GRID = "#4D4D4D"
FAINT = "#BDBDBD"
MUTED = "#555555"  # shapes, indices and other quiet labels
HATCH = {"padding": "///", "zero": "...", "cropped": "xx"}
TITLE_PT = 10
LABEL_PT = 9
ROLES = ("input", "kernel", "output", "padding", "zero", "cropped")


def tint(color, amount):
    """``color`` mixed with white: amount 1 is the colour, 0 is white."""
    rgb = np.array(mcolors.to_rgb(color))
    return tuple(1 - amount * (1 - rgb))


def fill(role):
    """The face colour of a cell that plays ``role`` (one of ROLES, or ``"empty"``)."""
    return {
        "input": tint(COLORS["input"], 0.30),
        "kernel": tint(COLORS["kernel"], 0.40),
        "output": tint(COLORS["output"], 0.30),
        "padding": "#FFFFFF",
        "zero": "#F2F2F2",
        "cropped": tint(COLORS["cropped"], 0.18),
        "empty": "#FFFFFF",
    }[role]


def count_color(count, top):
    """Overlap shading: white for 0 stamps, then darker tints of the output colour up to ``top``."""
    if count <= 0:
        return (1.0, 1.0, 1.0)
    amount = 0.22 if top <= 1 else 0.22 + 0.68 * (count - 1) / (top - 1)
    return tint(COLORS["output"], amount)


def ink_on(face):
    """Black text on light cells, white text on dark ones."""
    red, green, blue = mcolors.to_rgb(face)
    return (
        "white" if 0.2126 * red + 0.7152 * green + 0.0722 * blue < 0.5 else INK
    )


def number(value):
    """A cell's number: an int when integral, else 3 significant digits."""
    value = float(value)
    if abs(value - round(value)) < 1e-9 * max(1.0, abs(value)):
        return str(int(round(value)))
    return f"{value:.3g}"


def index_text(position):
    """``(0, 1)`` -> ``"0,1"``, ``(2,)`` -> ``"2"``."""
    return ",".join(str(int(i)) for i in position)


def sub_label(prefix, position, shape):
    """Mathtext label of a position: ``x_{01}`` (2-D), ``x_{1,10}`` when a size exceeds 10."""
    separator = "" if len(shape) == 1 or max(shape) <= 10 else ","
    return f"${prefix}_{{{separator.join(str(int(i)) for i in position)}}}$"


def argument_text(values):
    """A per-dimension argument as the reader typed it: ``2`` when all equal, else ``(2, 1)``."""
    return str(values[0]) if len(set(values)) == 1 else str(tuple(values))


def shape_text(shape):
    """``(3, 4)`` -> ``"3×4"``."""
    return "×".join(map(str, shape))


def as_2d(array):
    """1-D arrays become one row: every view draws 2-D grids."""
    array = np.asarray(array)
    return array[None, :] if array.ndim == 1 else array
