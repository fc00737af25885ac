"""One benchmark process: ``python benchmarks/child.py JOB.json RESULT.json``.

A child runs one contender family (numpy, torch or tensorflow) and nothing
else, so no other library's worker threads spin on its cores. The job says what
to measure:

- ``suite``: every (contender, layer) with ``warmups`` untimed calls, then a
  fixed ``repeats`` timed calls (``slow_repeats`` when the first call takes
  more than ``slow_seconds``); the minor page faults of the timed calls;
  optionally saves each output once, with whether it is C-contiguous.
- ``warmup``: the times of the first ``calls`` calls of one contender on one
  layer.
- ``scaling``: times (and, for numpy, tracemalloc peaks) along a scaling family.
- ``memory``: the rise of the peak resident set during the first call of one
  layer, after one call on a small layer has loaded the library's code.
"""

from __future__ import annotations

import json
import resource
import sys
from pathlib import Path

import machine
import numpy as np
from contenders import as_numpy_nchw, build, is_c_contiguous
from layers import feasible, layer_from_dict

from tconv_lib import first_calls, time_calls, traced_peak


def frameworks_loaded(modules):
    """The frameworks among the imported modules (none in a numpy child)."""
    return sorted(
        {name.split(".")[0] for name in modules} & {"torch", "tensorflow"}
    )


def check_numpy_isolation(modules):
    loaded = frameworks_loaded(modules)
    if loaded:
        raise RuntimeError(
            f"the numpy process imported {loaded}: their worker threads "
            "would slow numpy's BLAS down; import them only in their own "
            "processes"
        )


def set_threads(family, threads, contenders=()):
    """Fix the family's thread count; returns what must stay alive meanwhile."""
    if family == "numpy":
        from threadpoolctl import threadpool_limits

        if "sparse" in contenders:
            # scipy may bring its own BLAS: loaded now, the limit covers it too
            import scipy.sparse  # noqa: F401

        return threadpool_limits(limits=threads, user_api="blas")
    if family == "torch":
        import torch

        torch.set_num_threads(threads)
    else:
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    return None


def libraries(family, threads):
    if family == "numpy":
        return machine.numpy_libraries(threads)
    if family == "torch":
        return machine.torch_libraries()
    return machine.tf_libraries()


def minor_faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def measure(fn, job):
    """(Timing, minor faults per timed call): a fixed number of timed calls.

    A first call slower than ``job["slow_seconds"]`` is the only warm-up and
    ``job["slow_repeats"]`` calls are timed; otherwise ``job["warmups"]`` in
    all, then ``job["repeats"]``.
    """
    first = first_calls(fn, 1)[0]  # the first warm-up
    slow = first > job["slow_seconds"]
    warmups = 0 if slow else max(0, job["warmups"] - 1)
    repeats = job["slow_repeats"] if slow else job["repeats"]
    for _ in range(warmups):
        fn()
    before = minor_faults()
    timing = time_calls(fn, warmups=0, repeats=repeats)
    faults = (minor_faults() - before) / len(timing.seconds)
    return timing, faults


def matmul_seconds(size, warmups, repeats):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((size, size)).astype(np.float32)
    b = rng.standard_normal((size, size)).astype(np.float32)
    timing = time_calls(lambda: a @ b, warmups=warmups, repeats=repeats)
    return list(timing.seconds)


def run_suite(job):
    seconds, faults, outputs, contiguous = {}, {}, {}, {}
    save = Path(job["save_dir"]) if job.get("save_dir") else None
    for index, data in enumerate(job["layers"]):
        layer = layer_from_dict(data)
        for contender in job["contenders"]:
            if not feasible(contender, layer, job["budget"]):
                continue
            fn = build(contender, layer)
            timing, per_call = measure(fn, job)
            seconds.setdefault(contender, {})[layer.name] = list(timing.seconds)
            faults.setdefault(contender, {})[layer.name] = per_call
            if save is not None:
                y = fn()
                contiguous.setdefault(contender, {})[layer.name] = (
                    is_c_contiguous(y)
                )
                path = save / f"{contender}-{index}.npy"
                np.save(path, as_numpy_nchw(contender, y))
                outputs.setdefault(contender, {})[layer.name] = str(path)
    result = {
        "seconds": seconds,
        "minor_faults_per_call": faults,
        "outputs": outputs,
        "contiguous_output": contiguous,
    }
    if job.get("matmul_size"):
        result["matmul_seconds"] = matmul_seconds(
            job["matmul_size"], job["matmul_warmups"], job["matmul_repeats"]
        )
    return result


def run_warmup(job):
    layer = layer_from_dict(job["layer"])
    fn = build(job["contender"], layer)
    return {"times": list(first_calls(fn, job["calls"]))}


def run_scaling(job):
    seconds, peaks = {}, {}
    for data in job["layers"]:
        layer = layer_from_dict(data)
        for contender in job["contenders"]:
            times = seconds.setdefault(contender, [])
            peak = peaks.setdefault(contender, [])
            if not feasible(contender, layer, job["budget"]):
                times.append(None)
                peak.append(None)
                continue
            fn = build(contender, layer)
            timing, _ = measure(fn, job)
            times.append(
                {"median": timing.median, "q1": timing.q1, "q3": timing.q3}
            )
            # tracemalloc sees numpy's buffers, not the frameworks' allocators
            peak.append(traced_peak(fn) if job["family"] == "numpy" else None)
    return {"seconds": seconds, "peak_bytes": peaks}


def _status_kib(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1])
    raise KeyError(field)


def run_memory(job):
    """VmHWM rise during the first call of a layer, after one warm call.

    The warm call (``warm_layer``, the smallest layer of the same family;
    None for the cold baseline) loads the code pages, thread pools and
    kernels, so the rise is the call's own memory. Then the peak is reset to
    the current RSS, the layer called and the peak read.
    """
    if job["warm_layer"] is not None:
        build(job["contender"], layer_from_dict(job["warm_layer"]))()
    fn = build(job["contender"], layer_from_dict(job["layer"]))
    try:
        Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS
        before = _status_kib("VmRSS:")
    except (OSError, KeyError):
        fn()
        return {"rise_bytes": None}
    fn()
    return {"rise_bytes": (_status_kib("VmHWM:") - before) * 1024}


TASKS = {
    "suite": run_suite,
    "warmup": run_warmup,
    "scaling": run_scaling,
    "memory": run_memory,
}


def main(job_path, result_path):
    job = json.loads(Path(job_path).read_text())
    family = job["family"]
    if family == "numpy":
        check_numpy_isolation(sys.modules)
    # the thread limit lives as long as `_limit` does
    _limit = set_threads(family, job["threads"], job.get("contenders", ()))
    result = TASKS[job["task"]](job)
    if family == "numpy":
        check_numpy_isolation(sys.modules)
    result["libraries"] = libraries(family, job["threads"])
    result["frameworks_loaded"] = frameworks_loaded(sys.modules)
    Path(result_path).write_text(json.dumps(result))


if __name__ == "__main__":
    main(*sys.argv[1:3])
