"""The benchmark's figures, drawn from its JSON data."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

STYLE = {
    "gemm": ("C0", "o"),
    "subpixel": ("C1", "s"),
    "direct": ("C2", "^"),
    "scatter": ("C3", "v"),
    "matrix": ("C4", "D"),
    "sparse": ("C5", "P"),
    "torch": ("k", "x"),
    "tensorflow": ("C7", "*"),
}
GEMM_TARGET = 1.3


def plot_suite(suite, path):
    """Time ratio to PyTorch per layer, the per-round min-max as error bars."""
    contenders = [
        c
        for c in ("gemm", "subpixel", "direct", "tensorflow")
        if any(c in row["ratio_to_torch"] for row in suite)
    ]
    fig, ax = plt.subplots(figsize=(8, 0.5 * len(suite) + 1.5))
    height = 0.8 / len(contenders)
    rows = np.arange(len(suite))
    for j, contender in enumerate(contenders):
        ratios = [row["ratio_to_torch"].get(contender) for row in suite]
        median = np.array([r["median"] if r else np.nan for r in ratios])
        color = STYLE[contender][0]
        ax.barh(rows + j * height, median, height, color=color, label=contender)
        # the per-round range need not contain the pooled median: a segment, not
        # an error bar around the median
        drawn = [i for i, r in enumerate(ratios) if r]
        ax.hlines(
            rows[drawn] + j * height,
            [ratios[i]["minimum"] for i in drawn],
            [ratios[i]["maximum"] for i in drawn],
            color="0.15",
            lw=1.2,
        )
    ax.axvline(1, color="k", lw=1)
    ax.axvline(
        GEMM_TARGET,
        color="C0",
        lw=1,
        ls="--",
        label="the gemm target, 1.3x torch (geometric mean)",
    )
    ax.set_xscale("log")
    ax.set_yticks(rows + 0.4 - height / 2)
    ax.set_yticklabels([row["name"] for row in suite])
    ax.invert_yaxis()
    ax.set_xlabel(
        "time / PyTorch time (log scale; < 1 is faster than PyTorch; "
        "bars: per-round min-max)"
    )
    # above the axes: inside, it would hide the bars of the last layers
    ax.legend(
        loc="lower left",
        bbox_to_anchor=(0, 1),
        ncol=3,
        fontsize=7,
        frameon=False,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_scaling(study, path, xlabel):
    """Median time (q1-q3 bars) and peak memory along a family, log-log."""
    fig, (time_ax, memory_ax) = plt.subplots(1, 2, figsize=(11, 4.2))
    xs = np.array(study["values"], dtype=float)
    for method, data in study["methods"].items():
        color, marker = STYLE[method]
        cells = data["seconds"]
        median = np.array([c["median"] if c else np.nan for c in cells])
        if not np.all(np.isnan(median)):
            low = [c["median"] - c["q1"] if c else 0 for c in cells]
            high = [c["q3"] - c["median"] if c else 0 for c in cells]
            slope = data["slope_seconds"]
            label = method + ("" if slope is None else f" (slope {slope:.1f})")
            time_ax.errorbar(
                xs,
                median,
                yerr=[low, high],
                marker=marker,
                color=color,
                label=label,
                capsize=2,
            )
        peaks = np.array(
            [
                v if v is not None and v > 0 else np.nan
                for v in data["peak_bytes"]
            ],
            dtype=float,
        )
        if not np.all(np.isnan(peaks)):
            slope = data["slope_peak_bytes"]
            label = method + ("" if slope is None else f" (slope {slope:.1f})")
            memory_ax.plot(xs, peaks, marker=marker, color=color, label=label)
    time_ax.set_ylabel("median time (s), bars: q1-q3")
    memory_ax.set_ylabel("peak memory of one call (bytes)")
    for ax in (time_ax, memory_ax):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(xlabel)
        ax.legend(fontsize=7)
        ax.grid(True, which="major", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
