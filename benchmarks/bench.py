"""Benchmark harness for chapter 09: ``python benchmarks/bench.py [--quick] [--out DIR]``.

Two studies, measured in one process with the same number of threads for numpy's BLAS,
PyTorch and TensorFlow (``--threads``, default: every core):

1. **The layer suite**: transposed-convolution layers of real networks (DCGAN generator, U-Net
   up-blocks, the FCN-32s upsampler, a stride-1 3x3 layer, an odd-sized k=5 s=3 layer, a 1-D
   audio upsampler, two 3-D layers), float32. For each: its FLOPs (2 per multiply-add), the
   median time of every ``tconv_lib`` method where it is feasible (the dense matrix and the
   zero-insertion method are skipped where their buffers would exceed ``--budget``),
   ``torch.nn.functional.conv_transpose{1,2,3}d`` and ``tf.nn.conv_transpose``, time ratios to
   PyTorch and GFLOP/s; the geometric mean of the gemm/torch ratios; numpy's matmul peak.
2. **The scaling study**: time and peak memory against the input's side (and against the stride)
   for scatter, the dense matrix (until it no longer fits ``--budget``), a ``scipy.sparse``
   matrix, direct (zero insertion), subpixel, gemm, PyTorch and TensorFlow, with log-log slopes.

Peak memory: ``tracemalloc`` for the numpy methods (exact: numpy reports its allocations to it);
for PyTorch and TensorFlow, whose allocators bypass ``tracemalloc``, the rise of the process's
peak resident set (``VmHWM`` after resetting it through ``/proc/self/clear_refs``), which can
under-count memory the allocator had already mapped.

Writes ``bench.json``, ``suite_table.md`` and the plots ``suite_ratios.png``,
``scaling_size.png`` and ``scaling_stride.png`` to ``--out`` (default ``notebooks/bench``).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import time
import tracemalloc
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from tconv_lib import conv_transpose_output_size

NUMPY_METHODS = ("gemm", "subpixel", "direct", "scatter", "matrix")
FRAMEWORKS = ("torch", "tensorflow")
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "notebooks" / "bench"


@dataclass(frozen=True)
class Layer:
    """One transposed-convolution layer: ``x`` is ``(N, C_in, *spatial)``, ``w`` is ``(C_in, C_out, *k)``."""

    name: str
    family: str
    batch: int
    c_in: int
    c_out: int
    spatial: tuple
    kernel: int
    stride: int
    padding: int = 0
    output_padding: int = 0

    @property
    def dims(self):
        return len(self.spatial)

    @property
    def out_size(self):
        n = self.dims
        out = conv_transpose_output_size(
            self.spatial,
            (self.kernel,) * n,
            (self.stride,) * n,
            (self.padding,) * n,
            (self.output_padding,) * n,
        )
        return (out,) if isinstance(out, int) else tuple(out)

    @property
    def flops(self):
        """2 x the multiply-adds of the definition: N * C_in * C_out * k^n * prod(spatial)."""
        return (
            2
            * self.batch
            * self.c_in
            * self.c_out
            * self.kernel**self.dims
            * math.prod(self.spatial)
        )


def default_suite():
    """The layer suite of the issue: real networks' transposed convolutions (float32)."""
    return [
        # DCGAN generator (Radford et al. 2016): 4 -> 8 -> 16 -> 32 -> 64, k=4 s=2 p=1, batch 8.
        Layer("DCGAN 4->8", "DCGAN", 8, 512, 256, (4, 4), 4, 2, 1),
        Layer("DCGAN 8->16", "DCGAN", 8, 256, 128, (8, 8), 4, 2, 1),
        Layer("DCGAN 16->32", "DCGAN", 8, 128, 64, (16, 16), 4, 2, 1),
        Layer("DCGAN 32->64", "DCGAN", 8, 64, 3, (32, 32), 4, 2, 1),
        # U-Net up-convolutions (Ronneberger et al. 2015), the paper's sizes, k=2 s=2, batch 1.
        Layer("U-Net 28->56", "U-Net", 1, 1024, 512, (28, 28), 2, 2),
        Layer("U-Net 52->104", "U-Net", 1, 512, 256, (52, 52), 2, 2),
        Layer("U-Net 100->200", "U-Net", 1, 256, 128, (100, 100), 2, 2),
        Layer("U-Net 196->392", "U-Net", 1, 128, 64, (196, 196), 2, 2),
        # FCN-32s (Long et al. 2015): 21 classes upsampled 32x, k=64 s=32 p=16.
        Layer("FCN-32s 16->512", "FCN", 1, 21, 21, (16, 16), 64, 32, 16),
        Layer("stride-1 3x3", "stride 1", 8, 128, 128, (32, 32), 3, 1, 1),
        Layer("odd k=5 s=3", "odd", 4, 64, 32, (23, 19), 5, 3, 1, 1),
        # A MelGAN-style 1-D upsampler: 8x in time.
        Layer("1-D audio 8x", "1-D", 4, 512, 256, (256,), 16, 8, 4),
        Layer("3-D k=2 s=2", "3-D", 2, 64, 32, (16, 16, 16), 2, 2),
        Layer("3-D k=4 s=2", "3-D", 2, 32, 16, (8, 8, 8), 4, 2, 1),
    ]


def quick_suite():
    """A tiny suite for the smoke test and ``--quick``."""
    return [
        Layer("tiny DCGAN", "DCGAN", 2, 16, 8, (4, 4), 4, 2, 1),
        Layer("tiny 1-D", "1-D", 2, 8, 4, (16,), 8, 4, 2),
        Layer("tiny 3-D", "3-D", 1, 4, 4, (4, 4, 4), 2, 2),
    ]


# --------------------------------------------------------------------------------------------
# Machine description and thread control


def machine_info(threads):
    """CPU model (from /proc/cpuinfo), core count, library versions and BLAS, read now."""
    model = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info = {
        "cpu_model": model,
        "cores": os.cpu_count(),
        "threads": threads,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "tf_enable_onednn_opts": os.environ.get(
            "TF_ENABLE_ONEDNN_OPTS", "unset (TensorFlow's default)"
        ),
        "load_average_start": list(os.getloadavg()),
    }
    try:
        from threadpoolctl import threadpool_info

        blas = [p for p in threadpool_info() if p.get("user_api") == "blas"]
        blas.sort(
            key=lambda p: "numpy" not in p.get("filepath", "")
        )  # numpy's own BLAS first
        if blas:
            info["blas"] = (
                f"{blas[0].get('internal_api')} {blas[0].get('version')} ({blas[0].get('architecture')})"
            )
    except ImportError:
        pass
    return info


def _limit_threads(threads):
    """Give numpy's BLAS, PyTorch and TensorFlow the same number of threads. Returns a keep-alive."""
    from threadpoolctl import threadpool_limits

    limiter = threadpool_limits(limits=threads, user_api="blas")
    import torch

    torch.set_num_threads(threads)
    return limiter


def _import_tf(threads):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

    try:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    except RuntimeError:  # TensorFlow already initialised (e.g. in a test session): keep its setting
        pass
    return tf


# --------------------------------------------------------------------------------------------
# Timing and memory


def median_time(fn, min_time=0.3, max_repeats=15, min_repeats=3, slow=2.0):
    """Median wall time of ``fn()`` over repeats, after one warm-up call.

    Repeats until ``min_time`` seconds are spent (between ``min_repeats`` and ``max_repeats``
    calls); a call slower than ``slow`` seconds is measured once (the warm-up itself).
    """
    start = time.perf_counter()
    fn()
    first = time.perf_counter() - start
    if first > slow:
        return first
    repeats = int(
        min(max_repeats, max(min_repeats, min_time / max(first, 1e-6)))
    )
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def traced_peak(fn):
    """Peak bytes allocated through Python/numpy while ``fn()`` runs (``tracemalloc``)."""
    tracemalloc.start()
    try:
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return int(peak)


def _status_kb(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1])
    raise KeyError(field)


def rss_peak_rise(fn):
    """Rise of the peak resident set (VmHWM) while ``fn()`` runs, in bytes; None if unsupported."""
    try:
        before = _status_kb("VmRSS:")
        Path("/proc/self/clear_refs").write_text(
            "5"
        )  # resets VmHWM to the current RSS
        fn()
        return max(0, (_status_kb("VmHWM:") - before) * 1024)
    except (OSError, KeyError):
        fn()
        return None


def matmul_peak_gflops(size=2048, dtype=np.float32):
    """numpy's matmul rate on a square float32 product, the BLAS peak the gemm method can reach."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((size, size)).astype(dtype)
    b = rng.standard_normal((size, size)).astype(dtype)
    seconds = median_time(lambda: a @ b, min_time=1.0, min_repeats=5)
    return 2 * size**3 / seconds / 1e9


# --------------------------------------------------------------------------------------------
# The contenders


def _layer_arrays(layer, rng):
    x = rng.standard_normal(
        (layer.batch, layer.c_in) + tuple(layer.spatial)
    ).astype(np.float32)
    w = rng.standard_normal(
        (layer.c_in, layer.c_out) + (layer.kernel,) * layer.dims
    ).astype(np.float32)
    w *= 1 / math.sqrt(layer.c_in * layer.kernel**layer.dims)
    return x, w


def _args(layer):
    return dict(
        stride=layer.stride,
        padding=layer.padding,
        output_padding=layer.output_padding,
    )


#: The library's memory guard for the slow methods: ``feasible`` has already checked their
#: buffers against ``--budget``, so the guard must not refuse what it allowed. (gemm keeps its
#: default chunk budget.)
SLOW_METHOD_BUDGET = 64 * 2**30


def numpy_method(method, layer, x, w):
    import tconv_lib as tl

    guard = {} if method == "gemm" else {"memory_budget": SLOW_METHOD_BUDGET}
    return lambda: tl.conv_transpose(
        x, w, method=method, **_args(layer), **guard
    )


def sparse_matrix_method(layer, x, w):
    """``y = C^T x`` with C a ``scipy.sparse`` CSR matrix built by ``tl.conv_matrix(..., sparse=True)``."""
    import tconv_lib as tl

    n = layer.dims

    def run():
        matrix = tl.conv_matrix(
            w,
            layer.out_size,
            (layer.stride,) * n,
            (layer.padding,) * n,
            sparse=True,
            memory_budget=SLOW_METHOD_BUDGET,
        )
        flat = x.reshape(x.shape[0], -1)
        return (matrix.T @ flat.T).T.reshape(
            (x.shape[0], layer.c_out) + layer.out_size
        )

    return run


def torch_method(layer, x, w):
    import torch
    import torch.nn.functional as F

    fn = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}[
        layer.dims
    ]
    xt, wt = torch.from_numpy(x), torch.from_numpy(w)

    def run():
        with torch.no_grad():
            return fn(xt, wt, **_args(layer))

    return run


def tf_method(layer, x, w, tf):
    """``tf.nn.conv_transpose`` on channels-last data with the TF arguments equivalent to the layer's.

    ``tf.nn.conv1d_transpose``/``conv3d_transpose`` accept only string padding: if the layer needs
    explicit padding there, TF computes the VALID canvas and the result is cropped (same work).
    """
    import tconv_lib as tl

    n = layer.dims
    eq = tl.tf_args_for_torch(
        layer.spatial,
        layer.kernel,
        layer.stride,
        layer.padding,
        layer.output_padding,
    )
    xt = tf.constant(np.moveaxis(x, 1, -1))
    ft = tf.constant(tl.torch_weight_to_tf(w))
    padding, out = eq.padding, eq.out_size
    crop = None
    if not isinstance(padding, str) and n != 2:
        padding = "VALID"
        out = tuple(
            s * (i - 1) + layer.kernel
            for s, i in zip(eq.strides, layer.spatial)
        )
        crop = tuple(
            slice(layer.padding, layer.padding + o) for o in eq.out_size
        )
    shape = (layer.batch,) + tuple(out) + (layer.c_out,)

    def run():
        y = tf.nn.conv_transpose(xt, ft, shape, eq.strides, padding)
        if crop is not None:
            y = y[(slice(None),) + crop]
        return y

    return run


def feasible(method, layer, budget):
    """Whether a slow method can run this layer within the memory budget (bytes) and in seconds."""
    item = 4
    out_positions = math.prod(layer.out_size)
    if (
        method == "matrix"
    ):  # the dense (C_in*P_in) x (C_out*P_out) matrix, built at every call
        return (
            layer.c_in
            * math.prod(layer.spatial)
            * layer.c_out
            * out_positions
            * item
            <= budget / 4
        )
    if method == "sparse":  # index arrays of nnz int64s built on the way
        return (
            layer.c_in
            * layer.c_out
            * layer.kernel**layer.dims
            * math.prod(layer.spatial)
            * 40
            <= budget
        )
    if (
        method == "direct"
    ):  # im2col of the zero-inflated input: N * C_in * K * P_out
        return (
            layer.batch
            * layer.c_in
            * layer.kernel**layer.dims
            * out_positions
            * item
            * 3
            <= budget
        )
    if (
        method == "scatter"
    ):  # a Python loop over input positions, each reading the whole weight
        weight_bytes = (
            layer.c_in * layer.c_out * layer.kernel**layer.dims * item
        )
        return (
            math.prod(layer.spatial) <= 70_000
            and math.prod(layer.spatial) * weight_bytes <= 4 * budget
        )
    if (
        method == "subpixel"
    ):  # s^n convolutions, each an im2col of the small input
        return layer.stride**layer.dims <= 4096
    return True


# --------------------------------------------------------------------------------------------
# The studies


def _progress(total, desc, show):
    try:
        from tqdm import tqdm

        return tqdm(
            total=total,
            desc=desc,
            file=sys.stderr,
            disable=not show,
            leave=False,
        )
    except ImportError:  # pragma: no cover

        class _Null:
            def update(self, *_):
                pass

            def set_postfix_str(self, *_):
                pass

            def close(self):
                pass

        return _Null()


def interleaved_medians(fns, min_time=0.3, max_repeats=15, min_repeats=3):
    """Median times of several functions measured round-robin, after one warm-up call each.

    On a shared machine the load changes from second to second; timing the contenders in turn,
    call after call, exposes them to the same load, so their *ratios* are far steadier than
    those of separate timing loops.
    """
    first = {}
    for name, fn in fns.items():
        start = time.perf_counter()
        fn()
        first[name] = time.perf_counter() - start
    repeats = int(
        min(
            max_repeats,
            max(min_repeats, min_time / max(sum(first.values()), 1e-6)),
        )
    )
    times = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: float(np.median(t)) for name, t in times.items()}


FAST = ("gemm", "torch", "tensorflow")


def run_suite(layers, methods, tf, budget, show_progress=True, min_time=0.3):
    """Time every method on every layer; returns the rows of the suite table.

    gemm, PyTorch and TensorFlow are timed interleaved (see ``interleaved_medians``); the slow
    numpy methods one after the other, once if a call takes more than 2 s.
    """
    rng = np.random.default_rng(0)
    rows = []
    slow = [m for m in methods if m not in FAST]
    bar = _progress(len(layers), "layer suite", show_progress)
    for layer in layers:
        x, w = _layer_arrays(layer, rng)
        bar.set_postfix_str(layer.name)
        fast = {
            "gemm": numpy_method("gemm", layer, x, w),
            "torch": torch_method(layer, x, w),
        }
        if tf is not None:
            fast["tensorflow"] = tf_method(layer, x, w, tf)
        times = interleaved_medians(fast, min_time=min_time)
        for method in slow:
            ok = feasible(method, layer, budget)
            times[method] = (
                median_time(
                    numpy_method(method, layer, x, w), min_time=min_time
                )
                if ok
                else None
            )
        times = {
            m: times.get(m) for m in list(methods) + list(fast) if m in times
        }
        bar.update()
        torch_time = times["torch"]
        reference = np.asarray(torch_method(layer, x, w)())
        checks = {"gemm": numpy_method("gemm", layer, x, w)()}
        if tf is not None:
            checks["tensorflow"] = np.moveaxis(
                np.asarray(tf_method(layer, x, w, tf)()), -1, 1
            )
        scale = float(np.abs(reference).max())
        rows.append(
            {
                "max_rel_diff_to_torch": {
                    m: float(np.abs(y - reference).max()) / scale
                    for m, y in checks.items()
                },
                **{
                    k: (list(v) if isinstance(v, tuple) else v)
                    for k, v in asdict(layer).items()
                },
                "dims": layer.dims,
                "out_size": list(layer.out_size),
                "flops": layer.flops,
                "seconds": times,
                "ratio_to_torch": {
                    m: (t / torch_time if t is not None else None)
                    for m, t in times.items()
                },
                "gflops": {
                    m: (layer.flops / t / 1e9 if t is not None else None)
                    for m, t in times.items()
                },
            }
        )
    bar.close()
    return rows


def geometric_mean(values):
    values = [v for v in values if v is not None]
    return float(np.exp(np.mean(np.log(values)))) if values else None


def fitted_slope(xs, ys, last=3):
    """Slope of log(y) against log(x) over the ``last`` largest points (the asymptotic exponent)."""
    pairs = [(a, b) for a, b in zip(xs, ys) if b is not None and b > 0]
    pairs = pairs[-last:]
    if len(pairs) < 2:
        return None
    lx, ly = np.log([p[0] for p in pairs]), np.log([p[1] for p in pairs])
    return float(np.polyfit(lx, ly, 1)[0])


SCALING_METHODS = (
    "scatter",
    "matrix",
    "sparse",
    "direct",
    "subpixel",
    "gemm",
    "torch",
    "tensorflow",
)


def run_scaling(
    layers, variable, values, tf, budget, show_progress=True, min_time=0.2
):
    """Time and peak memory of every method on a family of layers (one per value of ``variable``)."""
    rng = np.random.default_rng(1)
    methods = [
        m for m in SCALING_METHODS if m != "tensorflow" or tf is not None
    ]
    result = {m: {"seconds": [], "peak_bytes": []} for m in methods}
    bar = _progress(
        len(layers) * len(methods), f"scaling vs {variable}", show_progress
    )
    for layer in layers:
        x, w = _layer_arrays(layer, rng)
        for method in methods:
            bar.set_postfix_str(
                f"{variable}={getattr(layer, variable) if variable != 'size' else layer.spatial[0]}: {method}"
            )
            if method == "torch":
                fn, memory = torch_method(layer, x, w), rss_peak_rise
            elif method == "tensorflow":
                fn, memory = tf_method(layer, x, w, tf), rss_peak_rise
            elif not feasible(method, layer, budget):
                fn, memory = None, None
            elif method == "sparse":
                fn, memory = sparse_matrix_method(layer, x, w), traced_peak
            else:
                fn, memory = numpy_method(method, layer, x, w), traced_peak
            if fn is None:
                result[method]["seconds"].append(None)
                result[method]["peak_bytes"].append(None)
            else:
                result[method]["seconds"].append(
                    median_time(fn, min_time=min_time, max_repeats=7)
                )
                result[method]["peak_bytes"].append(memory(fn))
            bar.update()
    bar.close()
    for data in result.values():
        data["slope_seconds"] = fitted_slope(values, data["seconds"])
        data["slope_peak_bytes"] = fitted_slope(values, data["peak_bytes"])
    return {
        "variable": variable,
        "values": list(values),
        "layers": [asdict(layer) for layer in layers],
        "methods": result,
    }


def scaling_layers(quick):
    """Spatial-size family (k=4 s=2 p=1, 16 -> 16 channels) and stride family (k=4, p=0, 32x32 input)."""
    sizes = (4, 8) if quick else (8, 16, 32, 64, 128, 256)
    strides = (1, 2) if quick else (1, 2, 3, 4, 6, 8)
    c = 2 if quick else 16
    by_size = [
        Layer(f"{h}x{h}", "scaling", 1, c, c, (h, h), 4, 2, 1) for h in sizes
    ]
    side = 6 if quick else 32
    by_stride = [
        Layer(f"s={s}", "scaling", 1, c, c, (side, side), 4, s, 0)
        for s in strides
    ]
    return sizes, by_size, strides, by_stride


# --------------------------------------------------------------------------------------------
# Report: table and plots


def _fmt_ms(seconds):
    return "-" if seconds is None else f"{seconds * 1e3:.1f}"


def _fmt_ratio(r):
    return "-" if r is None else f"{r:.2f}"


def suite_table(rows, methods, tf_present):
    """The suite as a markdown table: times in ms, ratios to PyTorch, gemm's GFLOP/s."""
    cols = list(methods) + ["torch"] + (["tensorflow"] if tf_present else [])
    names = {"tensorflow": "TF"}
    head = (
        ["layer", "GFLOP"]
        + [f"{names.get(m, m)} ms" for m in cols]
        + ["gemm/torch"]
        + (["TF/torch"] if tf_present else [])
        + ["gemm GFLOP/s"]
    )
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        cells = [row["name"], f"{row['flops'] / 1e9:.3f}"]
        cells += [_fmt_ms(row["seconds"][m]) for m in cols]
        cells.append(_fmt_ratio(row["ratio_to_torch"]["gemm"]))
        if tf_present:
            cells.append(_fmt_ratio(row["ratio_to_torch"]["tensorflow"]))
        cells.append(f"{row['gflops']['gemm']:.1f}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


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


def plot_suite(rows, path):
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    methods = [
        m
        for m in ("gemm", "subpixel", "direct", "tensorflow")
        if any(r["seconds"].get(m) for r in rows)
    ]
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(rows) + 1.5))
    height = 0.8 / len(methods)
    for j, method in enumerate(methods):
        ratios = [r["ratio_to_torch"].get(method) or np.nan for r in rows]
        ax.barh(
            np.arange(len(rows)) + j * height,
            ratios,
            height,
            color=STYLE[method][0],
            label=method,
        )
    ax.axvline(1, color="k", lw=1)
    ax.axvline(1.5, color="k", lw=1, ls="--")
    ax.set_xscale("log")
    ax.set_yticks(np.arange(len(rows)) + 0.4 - height / 2)
    ax.set_yticklabels([r["name"] for r in rows])
    ax.invert_yaxis()
    ax.set_xlabel(
        "time / PyTorch time (log scale; < 1 is faster than PyTorch; dashed: the 1.5 target)"
    )
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_scaling(study, path, xlabel):
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    xs = np.array(study["values"], dtype=float)
    for method, data in study["methods"].items():
        color, marker = STYLE[method]
        for ax, key in zip(axes, ("seconds", "peak_bytes")):
            ys = np.array(
                [np.nan if v is None else v for v in data[key]], dtype=float
            )
            if np.all(np.isnan(ys)):
                continue
            slope = data[f"slope_{key}"]
            label = method + ("" if slope is None else f" (slope {slope:.1f})")
            ax.plot(xs, ys, marker=marker, color=color, label=label)
    axes[0].set_ylabel("median time (s)")
    axes[1].set_ylabel("peak memory (bytes)")
    for ax in axes:
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(xlabel)
        ax.legend(fontsize=7)
        ax.grid(True, which="major", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# --------------------------------------------------------------------------------------------


def run(
    out=DEFAULT_OUT,
    quick=False,
    threads=None,
    budget=2 * 2**30,
    suite_budget=512 * 2**20,
    use_tf=True,
    layers=None,
    show_progress=True,
    min_time=None,
):
    """Run both studies and write ``bench.json``, ``suite_table.md`` and three PNG plots to ``out``.

    Returns the JSON-ready dictionary. ``quick`` uses a tiny suite and scaling family (seconds).
    ``suite_budget`` and ``budget`` (bytes) bound the buffers of the slow methods (dense matrix,
    zero insertion, sparse index arrays) in the suite and in the scaling study.
    """
    started = time.perf_counter()
    threads = threads or os.cpu_count() or 1
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    keep = _limit_threads(threads)  # noqa: F841  (the limit lasts while this object lives)
    tf = _import_tf(threads) if use_tf else None
    if min_time is None:
        min_time = 0.05 if quick else 0.3
    layers = (
        layers
        if layers is not None
        else (quick_suite() if quick else default_suite())
    )

    info = machine_info(threads)
    import torch

    info["torch"] = torch.__version__
    info["torch_threads"] = torch.get_num_threads()
    if tf is not None:
        info["tensorflow"] = tf.__version__
    peak = matmul_peak_gflops(512 if quick else 2048)
    rows = run_suite(
        layers, NUMPY_METHODS, tf, suite_budget, show_progress, min_time
    )
    sizes, by_size, strides, by_stride = scaling_layers(quick)
    size_study = run_scaling(
        by_size, "size", sizes, tf, budget, show_progress, min_time
    )
    stride_study = run_scaling(
        by_stride, "stride", strides, tf, budget, show_progress, min_time
    )
    info["load_average_end"] = list(os.getloadavg())
    peak = max(
        peak, matmul_peak_gflops(512 if quick else 2048)
    )  # the better of two moments

    largest = sorted(rows, key=lambda r: r["flops"], reverse=True)[:3]
    result = {
        "schema": 1,
        "machine": info,
        "settings": {
            "quick": quick,
            "dtype": "float32",
            "scaling_budget_bytes": budget,
            "suite_budget_bytes": suite_budget,
            "min_time": min_time,
            "memory": "tracemalloc peak for numpy methods; VmHWM rise for torch and tensorflow",
        },
        "matmul_peak_gflops": peak,
        "suite": rows,
        "geomean_ratio_to_torch": {
            m: geometric_mean([r["ratio_to_torch"][m] for r in rows])
            for m in list(NUMPY_METHODS)
            + (["tensorflow"] if tf is not None else [])
        },
        "largest_layers_gemm_fraction_of_peak": {
            r["name"]: r["gflops"]["gemm"] / peak for r in largest
        },
        "scaling": {"size": size_study, "stride": stride_study},
        "wall_seconds": None,
    }
    table = suite_table(rows, NUMPY_METHODS, tf is not None)
    (out / "suite_table.md").write_text(table + "\n")
    plot_suite(rows, out / "suite_ratios.png")
    plot_scaling(
        size_study,
        out / "scaling_size.png",
        "input side H (k=4, s=2, p=1; H x H -> 2H x 2H)",
    )
    plot_scaling(
        stride_study,
        out / "scaling_stride.png",
        "stride s (k=4, p=0, 32x32 input)" if not quick else "stride s",
    )
    result["wall_seconds"] = time.perf_counter() - started
    (out / "bench.json").write_text(json.dumps(result, indent=1) + "\n")
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python benchmarks/bench.py", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a tiny suite and scaling study (seconds)",
    )
    parser.add_argument(
        "--out",
        default=str(DEFAULT_OUT),
        help="output directory (default: notebooks/bench)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="threads for BLAS, torch and TF (default: all cores)",
    )
    parser.add_argument(
        "--budget-gb",
        type=float,
        default=2.0,
        help="memory budget of the slow methods in the scaling study (GiB; the suite uses a quarter)",
    )
    parser.add_argument("--no-tf", action="store_true", help="skip TensorFlow")
    args = parser.parse_args(argv)
    result = run(
        args.out,
        quick=args.quick,
        threads=args.threads,
        budget=int(args.budget_gb * 2**30),
        suite_budget=int(args.budget_gb * 2**28),
        use_tf=not args.no_tf,
    )
    m = result["machine"]
    print(
        f"{m['cpu_model']}, {m['cores']} cores, {m['threads']} threads; BLAS {m.get('blas')}; "
        f"TF_ENABLE_ONEDNN_OPTS={m['tf_enable_onednn_opts']}; load {m['load_average_start']}"
    )
    print(
        f"numpy float32 matmul peak: {result['matmul_peak_gflops']:.1f} GFLOP/s"
    )
    print(
        suite_table(
            result["suite"],
            NUMPY_METHODS,
            "tensorflow" in result["suite"][0]["seconds"],
        )
    )
    geo = result["geomean_ratio_to_torch"]
    print(
        "geometric mean time ratio to torch: "
        + ", ".join(f"{k} {v:.2f}" for k, v in geo.items() if v)
    )
    print(
        "gemm on the largest layers, fraction of the matmul peak: "
        + ", ".join(
            f"{k} {v:.0%}"
            for k, v in result["largest_layers_gemm_fraction_of_peak"].items()
        )
    )
    for name, study in result["scaling"].items():
        slopes = ", ".join(
            f"{k} {v['slope_seconds']:.2f}"
            for k, v in study["methods"].items()
            if v["slope_seconds"]
        )
        print(f"log-log time slopes vs {name}: {slopes}")
    print(f"wrote {args.out} in {result['wall_seconds']:.0f} s")


if __name__ == "__main__":
    main()
