"""Draw book/images/chapter_map.svg, the chapter map of the intro page.

Run from the repository root after changing the chapter list:

    .venv/bin/python book/images/make_chapter_map.py

The SVG is committed; the build does not run this script. Text is drawn as paths, so the
figure needs no font, and the output is deterministic (no date, fixed hash salt).
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch  # noqa: E402

OUT = Path(__file__).with_name("chapter_map.svg")

PART_I = [
    ("01", "Convolution as a matrix", "y = Cx, Toeplitz blocks, im2col"),
    ("02", "The transposed convolution", "Cᵀ: scatter, direct, gradient views"),
    ("03", "Padding", "padding crops; p′ = k − 1 − p"),
    ("04", "Stride", "zero insertion, output_padding"),
    ("05", "Channels, groups, dilation", "weight layouts, 1-D and 3-D"),
]
PART_II = [
    ("06", "TensorFlow and Keras", "SAME/VALID, output_shape, NHWC"),
    ("07", "Checkerboard artifacts", "uneven overlap of the stamps"),
    ("08", "Sub-pixel convolution", "s² small convs + pixel shuffle"),
    ("09", "Implementations and cost", "five methods, measured"),
    ("10", "Real networks", "FCN, U-Net, DCGAN, resize-conv"),
]
# Prerequisites that cross the reading order (from -> to).
EXTRA = [("04", "06"), ("05", "06"), ("04", "07"), ("02", "09"), ("07", "10")]

COL_X = {"I": 0.6, "II": 6.4}
BOX_W, BOX_H, STEP = 4.6, 1.05, 1.45
TOP = 8.6
PART_COLOURS = {"I": ("#dbe9f6", "#2f6fa7"), "II": ("#fbe3cf", "#b3591c")}
INK = "#1f2328"


def box(ax, x, y, w, h, face, edge, lw=1.4, radius=0.12):
    ax.add_patch(
        FancyBboxPatch(
            (x, y),
            w,
            h,
            boxstyle=f"round,pad=0,rounding_size={radius}",
            facecolor=face,
            edgecolor=edge,
            linewidth=lw,
        )
    )


def chapter(ax, part, index, number, title, subtitle):
    x = COL_X[part]
    y = TOP - index * STEP
    face, edge = PART_COLOURS[part]
    box(ax, x, y, BOX_W, BOX_H, "white", edge)
    ax.add_patch(
        FancyBboxPatch(
            (x, y),
            0.72,
            BOX_H,
            boxstyle="round,pad=0,rounding_size=0.12",
            facecolor=edge,
            edgecolor=edge,
            linewidth=1.4,
        )
    )
    ax.text(
        x + 0.36,
        y + BOX_H / 2,
        number,
        ha="center",
        va="center",
        color="white",
        fontsize=15,
        fontweight="bold",
    )
    ax.text(
        x + 0.9,
        y + 0.68,
        title,
        ha="left",
        va="center",
        color=INK,
        fontsize=12.5,
        fontweight="bold",
    )
    ax.text(
        x + 0.9,
        y + 0.3,
        subtitle,
        ha="left",
        va="center",
        color="#444c56",
        fontsize=10,
    )
    return {
        "left": (x, y + BOX_H / 2),
        "right": (x + BOX_W, y + BOX_H / 2),
        "top": (x + BOX_W / 2, y + BOX_H),
        "bottom": (x + BOX_W / 2, y),
    }


def arrow(ax, a, b, colour, style="-", rad=0.0, lw=1.6):
    ax.add_patch(
        FancyArrowPatch(
            a,
            b,
            arrowstyle="-|>",
            mutation_scale=14,
            color=colour,
            linewidth=lw,
            linestyle=style,
            connectionstyle=f"arc3,rad={rad}",
            shrinkA=2,
            shrinkB=2,
        )
    )


def main():
    plt.rcParams.update(
        {
            "svg.fonttype": "path",
            "svg.hashsalt": "tconv-chapter-map",
            "font.family": "DejaVu Sans",
        }
    )
    fig, ax = plt.subplots(figsize=(11.9, 10.6))
    ax.set_xlim(0, 11.9)
    ax.set_ylim(0.3, 11.85)
    ax.set_axis_off()

    # Start here
    box(ax, 0.6, 10.55, 10.4, 1.15, "#eef1f4", "#57606a")
    ax.text(
        0.85,
        11.33,
        "Start here",
        ha="left",
        va="center",
        fontsize=12,
        color="#57606a",
        fontweight="bold",
    )
    ax.text(
        5.8,
        10.93,
        "Introduction  ·  00 First look: set up, run the notebooks, a first transposed convolution",
        ha="center",
        va="center",
        fontsize=11.5,
        color=INK,
    )

    # Part frames
    for part, label in (
        ("I", "Part I · Foundations"),
        ("II", "Part II · Frameworks and practice"),
    ):
        face, edge = PART_COLOURS[part]
        x = COL_X[part] - 0.3
        box(
            ax,
            x,
            TOP - 4 * STEP - 0.3,
            BOX_W + 0.6,
            4 * STEP + BOX_H + 1.05,
            face,
            face,
            radius=0.25,
        )
        ax.text(
            x + 0.3,
            TOP + BOX_H + 0.4,
            label,
            ha="left",
            va="center",
            fontsize=13,
            color=edge,
            fontweight="bold",
        )

    anchors = {}
    for part, chapters in (("I", PART_I), ("II", PART_II)):
        for index, (number, title, subtitle) in enumerate(chapters):
            anchors[number] = chapter(ax, part, index, number, title, subtitle)

    # Reading order
    arrow(ax, (4.4, 10.55), (4.4, TOP + BOX_H), "#2f6fa7")
    for part, chapters in (("I", PART_I), ("II", PART_II)):
        edge = PART_COLOURS[part][1]
        for (a, *_), (b, *_) in zip(chapters, chapters[1:]):
            arrow(ax, anchors[a]["bottom"], anchors[b]["top"], edge)
    arrow(
        ax,
        anchors["05"]["right"],
        anchors["06"]["left"],
        "#57606a",
        style=(0, (4, 3)),
        rad=0.0,
    )
    # Other prerequisites
    for a, b in EXTRA:
        if (a, b) == ("05", "06"):
            continue
        if a in dict((n, 0) for n, *_ in PART_II):
            arrow(
                ax,
                anchors[a]["right"],
                anchors[b]["right"],
                "#57606a",
                style=(0, (4, 3)),
                rad=-0.35,
            )
        else:
            arrow(
                ax,
                anchors[a]["right"],
                anchors[b]["left"],
                "#57606a",
                style=(0, (4, 3)),
                rad=0.0,
            )

    # Reference
    box(ax, 0.6, 1.0, 10.4, 1.15, "#eef1f4", "#57606a")
    ax.text(
        0.85,
        1.78,
        "Reference",
        ha="left",
        va="center",
        fontsize=12,
        color="#57606a",
        fontweight="bold",
    )
    ax.text(
        5.8,
        1.38,
        "Cheat sheet  ·  Glossary (with the Chinese terms)  ·  API reference  ·  Bibliography",
        ha="center",
        va="center",
        fontsize=11.5,
        color=INK,
    )

    # Legend
    ax.plot([0.7, 1.4], [0.55, 0.55], color="#2f6fa7", lw=1.6)
    ax.text(1.55, 0.55, "reading order", va="center", fontsize=10.5, color=INK)
    ax.plot(
        [3.6, 4.3], [0.55, 0.55], color="#57606a", lw=1.6, linestyle=(0, (4, 3))
    )
    ax.text(4.45, 0.55, "also needs", va="center", fontsize=10.5, color=INK)

    fig.savefig(
        OUT,
        format="svg",
        bbox_inches="tight",
        pad_inches=0.05,
        metadata={"Date": None},
    )
    if len(sys.argv) > 1:  # a PNG preview, e.g. /tmp/chapter_map.png
        fig.savefig(sys.argv[1], dpi=80, bbox_inches="tight", pad_inches=0.05)
    plt.close(fig)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
