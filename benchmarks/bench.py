"""The benchmark of chapter 09: ``python benchmarks/bench.py [--quick]``.

Every contender family runs in processes of its own (benchmarks/child.py):
numpy's OpenBLAS threads and PyTorch's OpenMP threads spin after a call, and in
one process on two cores each slows the other down about tenfold. The children
start without the variables that pick kernels, thread counts or malloc's
behaviour (machine.REMOVED_FROM_CHILDREN, MALLOC_*), and each library gets
``--threads`` threads, set explicitly.

1. Warm-up study: the first 15 calls of gemm, torch and tensorflow on three
   layers, each in a fresh process; the number of warm-up calls the harness
   uses is derived from it.
2. Rounds (``--rounds``) of one numpy, one torch and one tensorflow process
   over the layer suite, the order rotated each round, so that drift of the
   machine's load hits every contender alike. Each (contender, layer) gets the
   same number of timed calls in every round, so every round weighs the same.
   The numpy process also times a 2048^2 float32 matmul (the BLAS peak). The
   first round saves every output, and each is compared with PyTorch's.
3. Scaling studies (input side, stride): time for every method, peak memory by
   tracemalloc for numpy's methods and, for torch and tensorflow, by the rise
   of VmHWM during the first call of the layer in a fresh process, after one
   warm call on the family's smallest layer.

Writes ``bench.json`` (schema 2), ``suite_ratios.png``, ``scaling_size.png``
and ``scaling_stride.png`` to ``--out`` (default ``notebooks/bench``);
bench.json only once every output agrees with PyTorch's.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
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

# ---- the settings: used for the jobs and written to bench.json as they are

WARMUP_CALLS = 15  # the warm-up study's series
ROUNDS = 5
QUICK_ROUNDS = 2
#: timed calls per (contender, layer) and round, suite and scaling studies alike
REPEATS = 9
QUICK_REPEATS = 5
#: a (contender, layer) whose first call takes longer gets SLOW_REPEATS timed
#: calls after that one warm-up
SLOW_SECONDS = 0.5
SLOW_REPEATS = 3
MATMUL_SIZE = 2048
QUICK_MATMUL_SIZE = 256
MATMUL_WARMUPS = 2
MATMUL_REPEATS = 9
#: the rounds of a (contender, layer) disagree when max/min of their medians
#: exceeds this
UNSTABLE_RATIO = 1.5
#: a VmHWM rise below this is page-size noise, stored as null
MEMORY_FLOOR_BYTES = 2**20
TOLERANCE = 1e-4  # float32 agreement with torch, relative to the largest |y|
FAMILIES = ("numpy", "torch", "tensorflow")
FAMILY = {m: "numpy" for m in NUMPY_METHODS + ("sparse",)} | {
    f: f for f in FRAMEWORKS
}
#: Predicted exponents along each study: (multiply-adds, seconds, peak bytes,
#: why). Seconds follow the multiply-adds unless writing the output, which
#: grows ~ s^2 in the stride study, outweighs them at large s.
PREDICTED = {
    "size": {
        "scatter": (
            2,
            2,
            2,
            "a Python loop over the H^2 input positions; canvas ~ H^2",
        ),
        "matrix": (
            4,
            4,
            4,
            "the dense C has (C_out 4H^2) x (C_in H^2) entries ~ H^4, each "
            "multiplied",
        ),
        "sparse": (
            2,
            2,
            2,
            "nnz of C = C_in C_out k^2 H^2, built in every call",
        ),
        "direct": (
            2,
            2,
            2,
            "im2col of the zero-inflated input ~ output ~ H^2",
        ),
        "subpixel": (2, 2, 2, "s^2 convolutions of the H x H input"),
        "gemm": (
            2,
            2,
            2,
            "one GEMM with H^2 columns; output ~ H^2 (its column buffer is "
            "capped by the chunk size, so the memory slope nears 2 from below)",
        ),
        "torch": (2, 2, 2, "multiply-adds and output ~ H^2"),
        "tensorflow": (2, 2, 2, "multiply-adds and output ~ H^2"),
    },
    "stride": {
        "scatter": (
            0,
            2,
            2,
            "the loop runs over the fixed 32^2 inputs (multiply-adds fixed); "
            "each adds into, and the call returns, a canvas ~ (32 s)^2",
        ),
        "matrix": (
            2,
            2,
            2,
            "C has C_out P_out rows, P_out ~ s^2, every entry multiplied",
        ),
        "sparse": (
            0,
            0,
            0,
            "nnz = C_in C_out k^2 H^2 is fixed and building C (in every call) "
            "and its index arrays outweigh the s^2 output at these sizes",
        ),
        "direct": (
            2,
            2,
            2,
            "the zero-inflated input and its im2col grow ~ s^2",
        ),
        "subpixel": (
            0,
            2,
            2,
            "each tap is used once whatever s (k^2 taps over s^2 phases), so "
            "the multiply-adds are fixed; the s^2 phases and the output "
            "(32 s)^2 are written, which dominates for large s",
        ),
        "gemm": (
            0,
            2,
            2,
            "its GEMM (C_out k^2 x C_in times C_in x H^2) does not depend on "
            "s; the overlap-add writes the (32 s)^2 output, a term ~ s^2 that "
            "dominates for large s",
        ),
        "torch": (
            0,
            2,
            2,
            "multiply-adds do not depend on s; writing the (32 s)^2 output "
            "is a term ~ s^2 that dominates for large s",
        ),
        "tensorflow": (
            0,
            2,
            2,
            "multiply-adds do not depend on s; writing the (32 s)^2 output "
            "is a term ~ s^2 that dominates for large s",
        ),
    },
}


# ---- arithmetic on the measurements (tested on hand-made numbers)


def summary(seconds_by_round):
    """The median of the per-round medians; quartiles and extremes of all calls.

    Every round weighs the same in the median, whatever its number of calls.
    ``unstable`` flags rounds whose medians differ by more than UNSTABLE_RATIO.
    """
    pooled = Timing(tuple(t for times in seconds_by_round for t in times))
    rounds = [Timing(times).median for times in seconds_by_round]
    return {
        "median": float(np.median(rounds)),
        "q1": pooled.q1,
        "q3": pooled.q3,
        "minimum": pooled.minimum,
        "maximum": pooled.maximum,
        "n": len(pooled.seconds),
        "rounds": rounds,
        "rounds_n": [len(times) for times in seconds_by_round],
        "unstable": max(rounds) / min(rounds) > UNSTABLE_RATIO,
    }


def ratio(contender, reference):
    """median/median, with the min and max of the per-round ratios as spread."""
    per_round = [
        c / t for c, t in zip(contender["rounds"], reference["rounds"])
    ]
    return {
        "median": contender["median"] / reference["median"],
        "minimum": min(per_round),
        "maximum": max(per_round),
    }


def geometric_mean(values):
    return float(np.exp(np.mean(np.log(values))))


def derive_warmups(series, factor=1.5, margin=2, minimum=3):
    """Warm-up calls for every series: the last slow call among 1-9, plus 2.

    A call is slow when it takes more than ``factor`` times the median of calls
    10-15 (the settled time); calls 10-15 themselves are not searched, so one
    noisy call in the window does not decide the count. Any transient in calls
    1-9 counts as warm-up, whatever its cause.
    """
    last_slow = 0
    for index, times in enumerate(series):
        if len(times) < 10:
            raise ValueError(
                f"series[{index}] must hold at least 10 calls (9 searched, "
                f"the rest settled), got {len(times)}"
            )
        settled = float(np.median(times[9:15]))
        slow = [i + 1 for i, t in enumerate(times[:9]) if t > factor * settled]
        last_slow = max([last_slow, *slow])
    return max(minimum, last_slow + margin)


def fitted_slope(xs, ys, last=3):
    """Slope of log y against log x over the ``last`` largest x.

    None unless each of those points has data (y > 0): a slope over fewer or
    other points would not be the one the table names.
    """
    pairs = list(zip(xs, ys))[-last:]
    if len(pairs) < last or any(y is None or not y > 0 for _, y in pairs):
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
        steal = machine.steal_jiffies()
        cpu = _children_cpu_seconds()
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
        cpu = _children_cpu_seconds() - cpu
        steal_end = machine.steal_jiffies()
        print(
            f"[{time.perf_counter() - self.started:7.1f} s] {family} process, "
            f"{task}: {what} ({seconds:.1f} s)",
            file=sys.stderr,
            flush=True,
        )
        result = json.loads(result_path.read_text())
        expected = [] if family == "numpy" else [family]
        if result["frameworks_loaded"] != expected:
            raise RuntimeError(
                f"the {family} process ({task}: {what}) loaded "
                f"{result['frameworks_loaded']}, expected {expected}"
            )
        self.children.append(
            {
                "family": family,
                "task": task,
                "what": what,
                "seconds": round(seconds, 2),
                # user + system time of the child: near threads x seconds
                # when its threads had the cores to themselves
                "cpu_seconds": round(cpu, 2),
                "steal_jiffies": None
                if steal is None or steal_end is None
                else steal_end - steal,
                "frameworks_loaded": result["frameworks_loaded"],
                # 1-minute average: mostly the harness's own children
                "load_average_end": machine.load_average(),
            }
        )
        return result


def _children_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


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
        "10-15, over every series, plus 2; at least 3. Any transient in calls "
        "1-9 (library set-up, page faults, the machine's load) counts as "
        "warm-up",
    }, derive_warmups(series)


def max_rel_diff(path, reference):
    y = np.load(path).astype(np.float64)
    if y.shape != reference.shape:
        raise AssertionError(
            f"{path}: shape {y.shape}, torch {reference.shape}"
        )
    return float(np.abs(y - reference).max() / np.abs(reference).max())


def timing_job(warmups, quick):
    """The timing part of a suite or scaling job (the module's settings)."""
    return dict(
        warmups=warmups,
        repeats=QUICK_REPEATS if quick else REPEATS,
        slow_seconds=SLOW_SECONDS,
        slow_repeats=SLOW_REPEATS,
    )


def rotated(families, r):
    """Round r's order: numpy, torch, tf / torch, tf, numpy / tf, numpy, ..."""
    shift = r % len(families)
    return families[shift:] + families[:shift]


@dataclass
class SuiteData:
    """What the suite's rounds measured, by contender then layer name."""

    seconds: dict  # [times of each round]
    faults: dict  # [minor faults per timed call of each round]
    outputs: dict  # the saved output's path (first round)
    contiguous: dict  # whether that output is C-contiguous
    matmul: list  # the matmul's times over every round
    libraries: dict
    orders: list  # the family order of each round


def suite_rounds(run, suite, rounds, warmups, budget, quick, workdir):
    layers = [layer_to_dict(layer) for layer in suite]
    contenders = {"numpy": NUMPY_METHODS} | {f: (f,) for f in FRAMEWORKS}
    data = SuiteData({}, {}, {}, {}, [], {}, [])
    for r in range(rounds):
        order = rotated(FAMILIES, r)
        data.orders.append(list(order))
        for family in order:
            result = run(
                family,
                "suite",
                f"round {r + 1}/{rounds}, {len(suite)} layers",
                layers=layers,
                contenders=list(contenders[family]),
                budget=budget,
                save_dir=str(workdir) if r == 0 else None,
                matmul_size=(
                    (QUICK_MATMUL_SIZE if quick else MATMUL_SIZE)
                    if family == "numpy"
                    else None
                ),
                matmul_warmups=MATMUL_WARMUPS,
                matmul_repeats=MATMUL_REPEATS,
                **timing_job(warmups, quick),
            )
            data.libraries.update(result["libraries"])
            for key, store in (
                ("seconds", data.seconds),
                ("minor_faults_per_call", data.faults),
            ):
                for contender, by_layer in result[key].items():
                    for name, value in by_layer.items():
                        store.setdefault(contender, {}).setdefault(
                            name, []
                        ).append(value)
            for contender, by_layer in result["outputs"].items():
                data.outputs.setdefault(contender, {}).update(by_layer)
            for contender, by_layer in result["contiguous_output"].items():
                data.contiguous.setdefault(contender, {}).update(by_layer)
            data.matmul += result.get("matmul_seconds", [])
    return data


def cell(data, contender, name):
    """summary() of one (contender, layer), its faults and output layout."""
    if name not in data.seconds.get(contender, {}):
        return None
    return {
        **summary(data.seconds[contender][name]),
        "minor_faults_per_call": float(np.median(data.faults[contender][name])),
        "contiguous_output": data.contiguous.get(contender, {}).get(name),
    }


def suite_rows(suite, data):
    rows = []
    contenders = list(NUMPY_METHODS) + list(FRAMEWORKS)
    for layer in suite:
        stats = {c: cell(data, c, layer.name) for c in contenders}
        torch = stats["torch"]
        fastest = min(FRAMEWORKS, key=lambda f: stats[f]["median"])
        outputs = data.outputs
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
                "fastest_framework": fastest,
                "ratio_to_fastest_framework": {
                    "gemm": ratio(stats["gemm"], stats[fastest])
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
    to_fastest = [row["ratio_to_fastest_framework"]["gemm"] for row in rows]
    worst_fastest = max(
        rows,
        key=lambda row: row["ratio_to_fastest_framework"]["gemm"]["median"],
    )
    largest = sorted(rows, key=lambda row: row["flops"], reverse=True)[:3]
    return {
        "geomean_ratio_to_torch": geomean,
        "geomean_ratio_to_fastest_framework": {
            "gemm": geometric_mean([r["median"] for r in to_fastest])
        },
        "worst_gemm_vs_fastest_framework": {
            "name": worst_fastest["name"],
            "ratio": worst_fastest["ratio_to_fastest_framework"]["gemm"][
                "median"
            ],
            "framework": worst_fastest["fastest_framework"],
        },
        "unstable": [
            f"{contender} on {row['name']}"
            for row in rows
            for contender, c in row["seconds"].items()
            if c is not None and c["unstable"]
        ],
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
    """Time every method along both families, one process per family."""
    layers = [layer for family in studies.values() for layer in family]
    data = [layer_to_dict(layer) for layer in layers]
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
            **timing_job(warmups, quick),
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


def above_floor(rise):
    """A VmHWM rise, or None when there is none or it is below 1 MiB."""
    return None if rise is None or rise < MEMORY_FLOOR_BYTES else rise


def framework_memory(run, studies):
    """VmHWM rise of a first call, each (framework, layer) in a fresh process.

    The child first calls the family's smallest layer, so code pages, thread
    pools and kernels are loaded before the peak is reset; the rise needs no
    baseline subtracted. The cold 1x1 first call is still recorded.
    """

    def rise(framework, layer, warm_layer):
        return run(
            framework,
            "memory",
            f"VmHWM rise of the first call, {layer.name}",
            layer=layer_to_dict(layer),
            warm_layer=warm_layer and layer_to_dict(warm_layer),
            contender=framework,
        )["rise_bytes"]

    baselines = {}
    for framework in FRAMEWORKS:
        baseline = rise(framework, BASELINE_LAYER, None)  # cold
        baselines[framework] = baseline
        for layers, methods in studies.values():
            smallest = layers[0]
            raw = [rise(framework, layer, smallest) for layer in layers]
            entry = methods[framework]
            entry["peak_bytes_raw"] = raw
            entry["peak_bytes_baseline"] = baseline
            entry["peak_bytes"] = [above_floor(r) for r in raw]
    return baselines


def finish_scaling(variable, values, layers, methods):
    for method, entry in methods.items():
        medians = [c["median"] if c else None for c in entry["seconds"]]
        entry["slope_seconds"] = fitted_slope(values, medians)
        entry["slope_peak_bytes"] = fitted_slope(values, entry["peak_bytes"])
        entry["slope_values"] = list(values[-3:])
        multiply_adds, seconds, peak, why = PREDICTED[variable][method]
        entry["predicted"] = {
            "multiply_adds": multiply_adds,
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
    rounds = rounds or (QUICK_ROUNDS if quick else ROUNDS)
    scaling_budget = int(budget_gib * 2**30)
    suite_budget = scaling_budget // 4
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    suite = quick_suite() if quick else default_suite()
    info = machine.describe_parent(threads)
    info["load_average_start"] = machine.load_average()
    steal_start = machine.steal_jiffies()
    with tempfile.TemporaryDirectory(prefix="tconv-bench-") as workdir:
        run_child = Runner(threads, workdir)
        study, warmups = warmup_study(run_child, suite, quick)
        print(f"warm-up calls: {warmups}", file=sys.stderr)
        data = suite_rounds(
            run_child, suite, rounds, warmups, suite_budget, quick, workdir
        )
        rows = suite_rows(suite, data)
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
    size = QUICK_MATMUL_SIZE if quick else MATMUL_SIZE
    rates = [2 * size**3 / t / 1e9 for t in data.matmul]
    matmul_gflops = {
        "median": float(np.percentile(rates, 50)),
        "minimum": min(rates),
        "maximum": max(rates),
        "size": size,
        "n": len(rates),
    }
    libraries = data.libraries
    info.update(
        {
            k: libraries.get(k)
            for k in (
                "numpy",
                "blas",
                "blas_all",
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
    steal_end = machine.steal_jiffies()
    info["steal_jiffies_run"] = (
        None
        if steal_start is None or steal_end is None
        else steal_end - steal_start
    )
    result = {
        "schema": 2,
        "machine": info,
        "settings": {
            "dtype": "float32",
            "quick": quick,
            "rounds": rounds,
            "round_orders": data.orders,
            "warmups": warmups,
            "warmups_rule": "derived by the warm-up study (warmup_study.rule); "
            "the first warm-up call is also the slow-call test",
            "repeats": QUICK_REPEATS if quick else REPEATS,
            "repeats_where": "every (contender, layer) and round, suite and "
            "scaling studies alike; no growth to a minimum time",
            "min_seconds": 0.0,  # kept from schema 2: no minimum time now
            "slow_seconds": SLOW_SECONDS,
            "slow_repeats": SLOW_REPEATS,
            "slow_calls": f"a (contender, layer) whose first call takes more "
            f"than {SLOW_SECONDS} s gets {SLOW_REPEATS} timed calls after that "
            "one warm-up (rounds_n records it)",
            "headline_median": "the median of the per-round medians, so every "
            "round weighs the same; q1, q3, minimum and maximum over all calls",
            "unstable": f"max/min of the per-round medians > {UNSTABLE_RATIO}",
            "minor_faults": "ru_minflt of the child (getrusage) over the timed "
            "calls of a round, per call; the median over rounds",
            "matmul": {
                "size": size,
                "warmups": MATMUL_WARMUPS,
                "repeats": MATMUL_REPEATS,
                "where": "in every round's numpy process",
            },
            "quick_values": {
                "rounds": QUICK_ROUNDS,
                "repeats": QUICK_REPEATS,
                "matmul_size": QUICK_MATMUL_SIZE,
            },
            "isolation": "one process per contender family and round: numpy "
            "(every tconv_lib method, never importing torch or tensorflow), "
            "torch, tensorflow, the order rotated each round; the parent "
            "checks each child's loaded frameworks; children start without "
            + ", ".join(machine.REMOVED_FROM_CHILDREN)
            + f" and any {machine.REMOVED_PREFIX}*; threads set explicitly: "
            f"{threads} for numpy's BLAS (threadpoolctl, after scipy.sparse is "
            "imported where the sparse contender runs, so that its BLAS is "
            "limited too), torch.set_num_threads and TensorFlow's intra-op "
            "pool (inter-op 1)",
            "malloc": "glibc's defaults (no MALLOC_* variable, GLIBC_TUNABLES "
            "or LD_PRELOAD reaches a child): freed large arrays go back to the "
            "OS, so calls pay first-touch page faults, as users' calls do",
            "memory": "numpy methods: tracemalloc peak of one call; torch and "
            "tensorflow: VmHWM rise during the layer's first call in a fresh "
            "process, after one call on the smallest layer of the same study "
            "(code pages, thread pools, kernels loaded), the peak reset "
            "between them (clear_refs). No baseline is subtracted: the warm "
            "call makes it moot (peak_bytes_baseline, the cold 1x1 first "
            "call, is kept for reference). A rise below "
            f"{MEMORY_FLOOR_BYTES} bytes (1 MiB) is stored as null",
            "output_layout": "contiguous_output says whether the returned "
            "array is C-contiguous: gemm returns a cropped view of its "
            "canvas when padding > 0",
            "tensorflow_padding": "conv1d_transpose and conv3d_transpose take "
            "only string padding: TF's 1-D and 3-D layers with explicit "
            "padding are computed as VALID and then cropped, the crop inside "
            "the timed call",
            "sparse": "build + product: the sparse contender builds the CSR "
            "matrix C in every call, then computes C^T x",
            "child_environment": {
                "removed": list(machine.REMOVED_FROM_CHILDREN),
                "removed_prefix": machine.REMOVED_PREFIX,
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
    disagreements = [
        f"{contender} on {row['name']}: {diff:.3g}"
        for row in rows
        for contender, diff in row["max_rel_diff_to_torch"].items()
        if not diff < TOLERANCE
    ]
    unchecked = out / "bench.json.unchecked"
    if disagreements:  # the run's JSON stays beside, never as bench.json
        unchecked.write_text(json.dumps(result, indent=1) + "\n")
        raise AssertionError(
            f"max relative difference to torch >= {TOLERANCE}: "
            + "; ".join(disagreements)
            + f" (measurements in {unchecked})"
        )
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
    # a temporary file renamed into place: bench.json is whole or untouched
    unchecked.write_text(json.dumps(result, indent=1) + "\n")
    os.replace(unchecked, out / "bench.json")
    return result


def report(result):
    """The suite as text lines: gemm, torch, TF, the ratios and their spread."""
    lines = [
        "layer | gemm ms | torch ms | TF ms | gemm/torch (round min-max) "
        "| TF/torch"
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
    lines.append(
        "geometric mean gemm / fastest framework: "
        f"{summary['geomean_ratio_to_fastest_framework']['gemm']:.2f}"
    )
    lines.append(f"worst gemm: {summary['worst_gemm']}")
    lines.append(
        f"worst gemm vs fastest: {summary['worst_gemm_vs_fastest_framework']}"
    )
    lines.append(f"unstable: {summary['unstable'] or 'none'}")
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
        f"warm-ups {result['settings']['warmups']}; "
        f"wall {result['wall_seconds']:.0f} s"
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
        help="memory budget of the slow methods, scaling study "
        "(the suite: a quarter)",
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
