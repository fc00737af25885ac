"""Draw the course logo and favicon: a 2x2 input scattered by a 2x2 kernel onto a 3x3 output.

Run from the repository root after changing the drawing:

    .venv/bin/python book/images/make_logo.py

It writes book/images/logo.svg + logo.png (the sidebar logo), book/_static/favicon.svg +
favicon.png (32 px) + favicon.ico, and book/_static/social-card.png (1200 x 630, the image of the
social-card <meta> tags). The files are committed; the build
does not run this script. The colours are the course palette of tconv_lib.viz (input blue,
kernel orange, output green). The logo and favicon have no text; the social card's text is set in
matplotlib's bundled DejaVu Sans, so the output does not depend on the machine's fonts.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402
from PIL import Image  # noqa: E402

HERE = Path(__file__).resolve().parent
STATIC = HERE.parent / "_static"
SVG_METADATA = {"Date": None, "Creator": None}
PNG_METADATA = {"Software": None}
# tconv_lib.viz.COLORS (copied: importing the library would pull in scipy for three colours)
COLORS = {"input": "#0072B2", "kernel": "#E69F00", "output": "#009E73"}


def draw_grid(ax) -> None:
    """The motif: a 3x3 output grid whose top-left 2x2 block is one kernel stamp."""
    ax.set_xlim(-0.15, 3.15)
    ax.set_ylim(-0.15, 3.15)
    ax.set_aspect("equal")
    ax.axis("off")
    stamp = {(0, 1), (1, 1), (0, 2), (1, 2)}
    for col in range(3):
        for row in range(3):
            if (col, row) in stamp:
                face = COLORS["kernel"]
            elif (col, row) == (2, 0):
                face = COLORS["input"]
            else:
                face = COLORS["output"]
            ax.add_patch(
                Rectangle(
                    (col + 0.06, row + 0.06),
                    0.88,
                    0.88,
                    facecolor=face,
                    edgecolor="none",
                )
            )


def draw(size_inches: float) -> plt.Figure:
    """The logo: the motif alone, on a square."""
    fig = plt.figure(figsize=(size_inches, size_inches))
    draw_grid(fig.add_axes((0, 0, 1, 1)))
    return fig


def social_card() -> plt.Figure:
    """The motif beside the course title, 1200 x 630 px at 100 dpi."""
    fig = plt.figure(figsize=(12, 6.3), facecolor="white")
    draw_grid(fig.add_axes((0.04, 0.2, 0.3, 0.6)))
    ink, grey = "#1A1A1A", "#4D4D4D"
    fig.text(
        0.38,
        0.58,
        "Transposed Convolution",
        fontsize=36,
        weight="bold",
        color=ink,
    )
    fig.text(0.38, 0.45, "from matrices to frameworks", fontsize=27, color=grey)
    fig.text(
        0.38,
        0.30,
        "an executable course: numpy, PyTorch, TensorFlow",
        fontsize=18,
        color=grey,
    )
    return fig


def main() -> None:
    plt.rcParams["svg.hashsalt"] = "tconv-logo"
    fig = draw(2.0)
    fig.savefig(HERE / "logo.svg", transparent=True, metadata=SVG_METADATA)
    fig.savefig(STATIC / "favicon.svg", transparent=True, metadata=SVG_METADATA)
    fig.savefig(
        HERE / "logo.png", dpi=128, transparent=True, metadata=PNG_METADATA
    )
    plt.close(fig)
    fig = draw(1.0)
    fig.savefig(
        STATIC / "favicon.png", dpi=32, transparent=True, metadata=PNG_METADATA
    )
    plt.close(fig)
    Image.open(STATIC / "favicon.png").save(
        STATIC / "favicon.ico", sizes=[(32, 32)]
    )
    fig = social_card()
    fig.savefig(STATIC / "social-card.png", dpi=100, metadata=PNG_METADATA)
    plt.close(fig)


if __name__ == "__main__":
    main()
