"""The benchmark of chapter 09: ``python benchmarks/bench.py [--quick] [--out DIR]``.

Every contender family runs in processes of its own (benchmarks/child.py): numpy's
OpenBLAS threads and PyTorch's OpenMP threads spin after a call, and in one process on
two cores each slows the other down about tenfold. The children start without the
variables that pick kernels or thread counts (machine.REMOVED_FROM_CHILDREN), and each
library gets ``--threads`` threads, set explicitly.

1. Warm-up study: the first 15 calls of gemm, torch and tensorflow on three layers, each
   in a fresh process; the number of warm-up calls the harness uses is derived from it.
2. Rounds (``--rounds``) of [numpy process, torch process, tensorflow process] over the
   layer suite, so that drift of the machine's load hits every contender. The numpy
   process also times a 2048^2 float32 matmul (the BLAS peak). The first round saves
   every output, and each is compared with PyTorch's.
3. Scaling studies (input side, stride): time for every method, peak memory by
   tracemalloc for numpy's methods and, for torch and tensorflow, by the rise of VmHWM
   during the first call in a fresh process (minus that of a 1x1 call).

Writes ``bench.json`` (schema 2), ``suite_ratios.png``, ``scaling_size.png`` and
``scaling_stride.png`` to ``--out`` (default ``notebooks/bench``).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import machine
import numpy as np
import plots
from contenders import FRAMEWORKS, NUMPY_METHODS, SCALING_METHODS
from layers import (
    BASELINE_LAYER,
    WARMUP_LAYERS,
    default_suite,
    layer_to_dict,
    quick_suite,
    scaling_families,
)

from tconv_lib import Timing

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE.parent / "notebooks" / "bench"
WARMUP_CALLS = 15
MATMUL_SIZE = 2048
TOLERANCE = 1e-4  # float32 agreement with torch, relative to the largest |y|
FAMILY = {m: "numpy" for m in NUMPY_METHODS + ("sparse",)} | {
    f: f for f in FRAMEWORKS
}
PREDICTED = {
    "size": {
        "scatter": (
            2,
            2,
            "a Python loop over the H^2 input positions; canvas ~ H^2",
        ),
        "matrix": (
            4,
            4,
            "the dense C has (C_out 4H^2) x (C_in H^2) entries ~ H^4",
        ),
        "sparse": (2, 2, "nnz of C = C_in C_out k^2 H^2"),
        "direct": (2, 2, "im2col of the zero-inflated input ~ output ~ H^2"),
        "subpixel": (2, 2, "s^2 convolutions of the H x H input"),
        "gemm": (
            2,
            2,
            "one GEMM with H^2 columns; output ~ H^2 (its column buffer is "
            "capped by the chunk size, so the memory slope nears 2 from below)",
        ),
        "torch": (2, 2, "multiply-adds and output ~ H^2"),
        "tensorflow": (2, 2, "multiply-adds and output ~ H^2"),
    },
    "stride": {
        "scatter": (
            0,
            2,
            "the loop runs over the fixed 32^2 inputs; the canvas ~ (32 s)^2",
        ),
        "matrix": (2, 2, "C has C_out P_out rows, P_out ~ s^2"),
        "sparse": (
            0,
            0,
            "nnz = C_in C_out k^2 H^2 is fixed and its index arrays outweigh the "
            "s^2 output at these sizes",
        ),
        "direct": (2, 2, "the zero-inflated input and its im2col grow ~ s^2"),
        "subpixel": (
            0,
            2,
            "each tap is used once whatever s (k^2 taps over s^2 phases); "
            "output ~ s^2",
        ),
        "gemm": (
            0,
            2,
            "its GEMM (C_out k^2 x C_in times C_in x H^2) does not depend on s; "
            "the overlap-add writes the (32 s)^2 output, a term ~ s^2 that "
            "shows where it outweighs the product",
        ),
        "torch": (
            0,
            2,
            "multiply-adds do not depend on s; writing the output is a term "
            "~ s^2 that shows where it outweighs them",
        ),
        "tensorflow": (
            0,
            2,
            "multiply-adds do not depend on s; writing the output is a term "
            "~ s^2 that shows where it outweighs them",
        ),
    },
}


# ---- arithmetic on the measurements (tested on hand-made numbers)


def summary(seconds_by_round):
    """Median, quartiles, extremes and count of all repeats; the per-round medians."""
    pooled = Timing(tuple(t for times in seconds_by_round for t in times))
    return {
        "median": pooled.median,
        "q1": pooled.q1,
        "q3": pooled.q3,
        "minimum": pooled.minimum,
        "maximum": pooled.maximum,
        "n": len(pooled.seconds),
        "rounds": [Timing(tuple(times)).median for times in seconds_by_round],
    }


def ratio(contender, torch):
    """median/median, with the min and max of the per-round ratios as its spread."""
    per_round = [c / t for c, t in zip(contender["rounds"], torch["rounds"])]
    return {
        "median": contender["median"] / torch["median"],
        "minimum": min(per_round),
        "maximum": max(per_round),
    }


def geometric_mean(values):
    return float(np.exp(np.mean(np.log(values))))


def derive_warmups(series, factor=1.5, margin=2, minimum=3):
    """Warm-up calls for every series: the last slow call among 1-9, plus a margin.

    A call is slow when it takes more than ``factor`` times the median of calls 10-15
    (the settled time); calls 10-15 themselves are not searched, so one noisy call in
    the window does not decide the count.
    """
    last_slow = 0
    for times in series:
        settled = float(np.median(times[9:15]))
        slow = [i + 1 for i, t in enumerate(times[:9]) if t > factor * settled]
        last_slow = max([last_slow, *slow])
    return max(minimum, last_slow + margin)


def fitted_slope(xs, ys, last=3):
    """Slope of log y against log x over the ``last`` largest points with y > 0."""
    pairs = [(x, y) for x, y in zip(xs, ys) if y is not None and y > 0][-last:]
    if len(pairs) < 2:
        return None
    logs = np.log(np.array(pairs, dtype=float))
    return float(np.polyfit(logs[:, 0], logs[:, 1], 1)[0])


# ---- running children


class Runner:
    """Starts the children and prints one progress line per process."""

    def __init__(self, threads, workdir):
        self.threads = threads
        self.workdir = Path(workdir)
        self.started = time.perf_counter()
        self.count = 0
        self.children = []

    def __call__(self, family, task, what, **job):
        self.count += 1
        job_path = self.workdir / f"job-{self.count}.json"
        result_path = self.workdir / f"result-{self.count}.json"
        job = {"family": family, "task": task, "threads": self.threads, **job}
        job_path.write_text(json.dumps(job))
        start = time.perf_counter()
        done = subprocess.run(
            [
                sys.executable,
                str(HERE / "child.py"),
                str(job_path),
                str(result_path),
            ],
            env=machine.child_environment(),
            cwd=HERE,
            stderr=subprocess.PIPE,
            text=True,
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"the {family} process ({task}: {what}) failed:\n{done.stderr}"
            )
        seconds = time.perf_counter() - start
        print(
            f"[{time.perf_counter() - self.started:7.1f} s] {family} process, "
            f"{task}: {what} ({seconds:.1f} s)",
            file=sys.stderr,
            flush=True,
        )
        result = json.loads(result_path.read_text())
        self.children.append(
            {
                "family": family,
                "task": task,
                "what": what,
                "seconds": round(seconds, 2),
                "frameworks_loaded": result["frameworks_loaded"],
                # other processes on the cores show here (1-minute average)
                "load_average_end": machine.load_average(),
            }
        )
        return result


def warmup_study(run, suite, quick):
    names = [suite[0].name] if quick else list(WARMUP_LAYERS)
    layers = {layer.name: layer for layer in suite}
    contenders = {}
    for contender in ("gemm", *FRAMEWORKS):
        for name in names:
            result = run(
                FAMILY[contender],
                "warmup",
                f"{contender} on {name}, first {WARMUP_CALLS} calls",
                layer=layer_to_dict(layers[name]),
                contender=contender,
                calls=WARMUP_CALLS,
            )
            contenders.setdefault(contender, {})[name] = result["times"]
    series = [
        times for by_layer in contenders.values() for times in by_layer.values()
    ]
    return {
        "layers": names,
        "calls": WARMUP_CALLS,
        "contenders": contenders,
        "rule": "the last of calls 1-9 slower than 1.5x the median of calls "
        "10-15, over every series, plus 2; at least 3",
    }, derive_warmups(series)


def max_rel_diff(path, reference):
    y = np.load(path).astype(np.float64)
    if y.shape != reference.shape:
        raise AssertionError(
            f"{path}: shape {y.shape}, torch {reference.shape}"
        )
    return float(np.abs(y - reference).max() / np.abs(reference).max())


def suite_rounds(run, suite, rounds, warmups, budget, quick, workdir):
    layers = [layer_to_dict(layer) for layer in suite]
    timing = dict(
        warmups=warmups, repeats=9, min_seconds=0.05 if quick else 0.3
    )
    seconds = {}  # contender -> layer -> [times of each round]
    outputs = {}
    matmul = []
    libraries = {}
    for r in range(rounds):
        save = str(workdir) if r == 0 else None
        for family, contenders in (
            ("numpy", NUMPY_METHODS),
            ("torch", ("torch",)),
            ("tensorflow", ("tensorflow",)),
        ):
            result = run(
                family,
                "suite",
                f"round {r + 1}/{rounds}, {len(suite)} layers",
                layers=layers,
                contenders=list(contenders),
                budget=budget,
                save_dir=save,
                matmul_size=(
                    (256 if quick else MATMUL_SIZE)
                    if family == "numpy"
                    else None
                ),
                **timing,
            )
            libraries.update(result["libraries"])
            for contender, by_layer in result["seconds"].items():
                for name, times in by_layer.items():
                    seconds.setdefault(contender, {}).setdefault(
                        name, []
                    ).append(times)
            for contender, by_layer in result["outputs"].items():
                outputs.setdefault(contender, {}).update(by_layer)
            matmul += result.get("matmul_seconds", [])
    return seconds, outputs, matmul, libraries


def suite_rows(suite, seconds, outputs):
    rows = []
    contenders = list(NUMPY_METHODS) + list(FRAMEWORKS)
    for layer in suite:
        stats = {
            c: summary(seconds[c][layer.name])
            if layer.name in seconds.get(c, {})
            else None
            for c in contenders
        }
        torch = stats["torch"]
        reference = np.load(outputs["torch"][layer.name]).astype(np.float64)
        diffs = {
            c: max_rel_diff(outputs[c][layer.name], reference)
            for c in contenders
            if c != "torch" and layer.name in outputs.get(c, {})
        }
        rows.append(
            {
                **layer_to_dict(layer),
                "dims": layer.dims,
                "out_size": list(layer.out_size),
                "flops": layer.flops,
                "seconds": stats,
                "ratio_to_torch": {
                    c: ratio(s, torch)
                    for c, s in stats.items()
                    if s is not None and c != "torch"
                },
                "gflops": {
                    c: layer.flops / s["median"] / 1e9
                    for c, s in stats.items()
                    if s is not None
                },
                "max_rel_diff_to_torch": diffs,
            }
        )
    return rows


def suite_summary(rows, matmul_gflops):
    geomean = {}
    for contender in list(NUMPY_METHODS) + ["tensorflow"]:
        ratios = [
            row["ratio_to_torch"][contender]["median"]
            for row in rows
            if contender in row["ratio_to_torch"]
        ]
        geomean[contender] = geometric_mean(ratios) if ratios else None
    worst = max(rows, key=lambda row: row["ratio_to_torch"]["gemm"]["median"])
    largest = sorted(rows, key=lambda row: row["flops"], reverse=True)[:3]
    return {
        "geomean_ratio_to_torch": geomean,
        "geomean_layers": {
            c: [row["name"] for row in rows if c in row["ratio_to_torch"]]
            for c in geomean
        },
        "worst_gemm": {
            "name": worst["name"],
            "ratio": worst["ratio_to_torch"]["gemm"]["median"],
        },
        "gemm_fraction_of_matmul_peak": {
            row["name"]: row["gflops"]["gemm"] / matmul_gflops["median"]
            for row in largest
        },
    }


def scaling_studies(run, studies, warmups, budget, quick):
    """Time every method along both families: one process per contender family."""
    layers = [layer for family in studies.values() for layer in family]
    data = [layer_to_dict(layer) for layer in layers]
    timing = dict(
        warmups=warmups, repeats=9, min_seconds=0.05 if quick else 0.2
    )
    families = {
        "numpy": [m for m in SCALING_METHODS if FAMILY[m] == "numpy"],
        **{framework: [framework] for framework in FRAMEWORKS},
    }
    cells = {}
    for family, contenders in families.items():
        result = run(
            family,
            "scaling",
            f"{' and '.join(studies)} studies, {len(layers)} layers",
            layers=data,
            contenders=contenders,
            budget=budget,
            **timing,
        )
        for method in contenders:
            cells[method] = (
                result["seconds"][method],
                result["peak_bytes"][method],
            )
    methods, start = {}, 0
    for variable, family in studies.items():
        stop = start + len(family)
        methods[variable] = {
            m: {"seconds": times[start:stop], "peak_bytes": peaks[start:stop]}
            for m, (times, peaks) in cells.items()
        }
        start = stop
    return methods


def framework_memory(run, studies):
    """VmHWM rise of the first call, each (framework, layer) in a fresh process."""

    def rise(framework, layer):
        return run(
            framework,
            "memory",
            f"VmHWM rise of the first call, {layer.name}",
            layer=layer_to_dict(layer),
            contender=framework,
        )["rise_bytes"]

    baselines = {}
    for framework in FRAMEWORKS:
        baseline = rise(framework, BASELINE_LAYER)
        baselines[framework] = baseline
        for layers, methods in studies.values():
            raw = [rise(framework, layer) for layer in layers]
            entry = methods[framework]
            entry["peak_bytes_raw"] = raw
            entry["peak_bytes_baseline"] = baseline
            entry["peak_bytes"] = [
                None if r is None or baseline is None else r - baseline
                for r in raw
            ]
    return baselines


def finish_scaling(variable, values, layers, methods):
    for method, entry in methods.items():
        medians = [c["median"] if c else None for c in entry["seconds"]]
        entry["slope_seconds"] = fitted_slope(values, medians)
        entry["slope_peak_bytes"] = fitted_slope(values, entry["peak_bytes"])
        seconds, peak, why = PREDICTED[variable][method]
        entry["predicted"] = {
            "seconds": seconds,
            "peak_bytes": peak,
            "why": why,
        }
    return {
        "variable": variable,
        "values": list(values),
        "layers": [layer_to_dict(layer) for layer in layers],
        "methods": {m: methods[m] for m in SCALING_METHODS},
    }


def run(
    out=DEFAULT_OUT, quick=False, rounds=None, threads=None, budget_gib=2.0
):
    """Run every study and write bench.json and the three figures to ``out``."""
    started = time.perf_counter()
    threads = threads or os.cpu_count() or 1
    rounds = rounds or (1 if quick else 3)
    scaling_budget = int(budget_gib * 2**30)
    suite_budget = scaling_budget // 4
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    suite = quick_suite() if quick else default_suite()
    info = machine.describe_parent(threads)
    info["load_average_start"] = machine.load_average()
    with tempfile.TemporaryDirectory(prefix="tconv-bench-") as workdir:
        run_child = Runner(threads, workdir)
        study, warmups = warmup_study(run_child, suite, quick)
        print(f"warm-up calls: {warmups}", file=sys.stderr)
        seconds, outputs, matmul, libraries = suite_rounds(
            run_child, suite, rounds, warmups, suite_budget, quick, workdir
        )
        rows = suite_rows(suite, seconds, outputs)
        sizes, by_size, strides, by_stride = scaling_families(quick)
        methods = scaling_studies(
            run_child,
            {"size": by_size, "stride": by_stride},
            warmups,
            scaling_budget,
            quick,
        )
        baselines = framework_memory(
            run_child,
            {
                "size": (by_size, methods["size"]),
                "stride": (by_stride, methods["stride"]),
            },
        )
    size = 256 if quick else MATMUL_SIZE
    rates = Timing(tuple(2 * size**3 / t / 1e9 for t in matmul))
    matmul_gflops = {
        "median": rates.median,
        "minimum": rates.minimum,
        "maximum": rates.maximum,
        "size": size,
        "n": len(rates.seconds),
    }
    info.update(
        {
            k: libraries.get(k)
            for k in (
                "numpy",
                "blas",
                "torch",
                "torch_cpu_capability",
                "onednn",
                "mkl",
                "torch_threads",
                "tensorflow",
                "tf_onednn",
                "tf_intra_op_threads",
                "tf_inter_op_threads",
            )
        }
    )
    info["load_average_end"] = machine.load_average()
    result = {
        "schema": 2,
        "machine": info,
        "settings": {
            "dtype": "float32",
            "quick": quick,
            "rounds": rounds,
            "warmups": warmups,
            "repeats": 9,
            "min_seconds": 0.05 if quick else 0.3,
            "slow_calls": "a (contender, layer) whose first call takes more than "
            "0.5 s gets 3 timed calls after that one warm-up",
            "isolation": "one process per contender family and round: numpy (every "
            "tconv_lib method, never importing torch or tensorflow), torch, "
            "tensorflow; children start without "
            + ", ".join(machine.REMOVED_FROM_CHILDREN)
            + f"; threads set explicitly: {threads} for numpy's BLAS "
            "(threadpoolctl), torch.set_num_threads and TensorFlow's intra-op pool "
            "(inter-op 1)",
            "malloc": "glibc's defaults (no MALLOC_* variable set by the harness): "
            "freed large arrays go back to the OS, so calls pay first-touch page "
            "faults, as users' calls do",
            "memory": "numpy methods: tracemalloc peak of one call; torch and "
            "tensorflow: VmHWM rise during the first call in a fresh process, "
            "minus the rise of a 1x1 call (peak_bytes_baseline)",
            "child_environment": {
                "removed": list(machine.REMOVED_FROM_CHILDREN),
                "set": {"TF_CPP_MIN_LOG_LEVEL": "2"},
            },
            "budget_bytes": suite_budget,
            "scaling_budget_bytes": scaling_budget,
            "tolerance_rel_to_torch": TOLERANCE,
        },
        "warmup_study": study,
        "matmul_peak_gflops": matmul_gflops,
        "suite": rows,
        "summary": suite_summary(rows, matmul_gflops),
        "scaling": {
            "size": finish_scaling("size", sizes, by_size, methods["size"]),
            "stride": finish_scaling(
                "stride", strides, by_stride, methods["stride"]
            ),
        },
        "framework_memory_baseline_bytes": baselines,
        "children": run_child.children,
        "wall_seconds": None,
    }
    # the JSON first: a failing figure leaves the measurements on disk
    (out / "bench.json").write_text(json.dumps(result, indent=1) + "\n")
    plots.plot_suite(rows, out / "suite_ratios.png")
    plots.plot_scaling(
        result["scaling"]["size"],
        out / "scaling_size.png",
        "input side H (k=4, s=2, p=1: H x H -> 2H x 2H)",
    )
    plots.plot_scaling(
        result["scaling"]["stride"],
        out / "scaling_stride.png",
        "stride s (k=4, p=0, 32 x 32 input)" if not quick else "stride s",
    )
    result["wall_seconds"] = time.perf_counter() - started
    (out / "bench.json").write_text(json.dumps(result, indent=1) + "\n")
    disagreements = [
        f"{contender} on {row['name']}: {diff:.3g}"
        for row in rows
        for contender, diff in row["max_rel_diff_to_torch"].items()
        if not diff < TOLERANCE
    ]
    if disagreements:  # written first, so that the JSON shows the whole run
        raise AssertionError(
            f"max relative difference to torch >= {TOLERANCE}: "
            + "; ".join(disagreements)
        )
    return result


def report(result):
    """The suite as text lines: gemm, torch, TF and the ratios with their spread."""
    lines = [
        "layer | gemm ms | torch ms | TF ms | gemm/torch (round min-max) | TF/torch"
    ]
    for row in result["suite"]:
        s, r = row["seconds"], row["ratio_to_torch"]
        lines.append(
            f"{row['name']} | {s['gemm']['median'] * 1e3:.2f} | "
            f"{s['torch']['median'] * 1e3:.2f} | "
            f"{s['tensorflow']['median'] * 1e3:.2f} | "
            f"{r['gemm']['median']:.2f} ({r['gemm']['minimum']:.2f}-"
            f"{r['gemm']['maximum']:.2f}) | {r['tensorflow']['median']:.2f}"
        )
    summary = result["summary"]
    lines.append(
        "geometric mean ratio to torch: "
        + ", ".join(
            f"{k} {v:.2f}"
            for k, v in summary["geomean_ratio_to_torch"].items()
            if v
        )
    )
    lines.append(f"worst gemm: {summary['worst_gemm']}")
    peak = result["matmul_peak_gflops"]
    lines.append(
        f"numpy matmul: {peak['median']:.0f} GFLOP/s "
        f"({peak['minimum']:.0f}-{peak['maximum']:.0f}); gemm fraction on the "
        "largest layers: "
        + ", ".join(
            f"{k} {v:.0%}"
            for k, v in summary["gemm_fraction_of_matmul_peak"].items()
        )
    )
    lines.append(
        f"warm-ups {result['settings']['warmups']}; wall {result['wall_seconds']:.0f} s"
    )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python benchmarks/bench.py", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--quick", action="store_true", help="a tiny run (seconds)"
    )
    parser.add_argument(
        "--out", default=str(DEFAULT_OUT), help="output directory"
    )
    parser.add_argument(
        "--rounds", type=int, default=None, help="default 3 (quick 1)"
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="threads per library (all cores)",
    )
    parser.add_argument(
        "--budget-gib",
        type=float,
        default=2.0,
        help="memory budget of the slow methods, scaling study (the suite: a quarter)",
    )
    args = parser.parse_args(argv)
    if args.rounds is not None and args.rounds < 1:
        parser.error(f"--rounds must be >= 1, got {args.rounds}")
    if args.threads is not None and args.threads < 1:
        parser.error(f"--threads must be >= 1, got {args.threads}")
    if not 0 < args.budget_gib < math.inf:
        parser.error(f"--budget-gib must be > 0, got {args.budget_gib}")
    result = run(
        args.out, args.quick, args.rounds, args.threads, args.budget_gib
    )
    print(report(result))


if __name__ == "__main__":
    main()
