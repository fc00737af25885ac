"""The machine and the environment: what the parent sees, what each child uses."""

from __future__ import annotations

import os
import platform
import re
from pathlib import Path

#: Variables that pick kernels or thread counts. The course's "foreign CPU" setting (and
#: this machine's environment) sets some; a child starts without them, so every library
#: runs the kernels it picks for this CPU, with the threads the harness sets explicitly.
REMOVED_FROM_CHILDREN = (
    "OPENBLAS_CORETYPE",
    "ATEN_CPU_CAPABILITY",
    "ONEDNN_MAX_CPU_ISA",
    "MKL_CBWR",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    # unset: TensorFlow's default, oneDNN on for x86 Linux (what its users get)
    "TF_ENABLE_ONEDNN_OPTS",
)
RECORDED = REMOVED_FROM_CHILDREN + (
    "TF_CPP_MIN_LOG_LEVEL",
    "MALLOC_ARENA_MAX",
    "MALLOC_MMAP_THRESHOLD_",
    "MALLOC_TRIM_THRESHOLD_",
    "MALLOC_TOP_PAD_",
)
ISA_FLAGS = (
    "sse4_2",
    "avx",
    "avx2",
    "fma",
    "avx512f",
    "avx512bw",
    "avx512vl",
    "avx512_vnni",
    "avx512_bf16",
    "amx_tile",
    "amx_bf16",
    "amx_int8",
)


def child_environment():
    """The parent's environment without the kernel and thread variables."""
    env = {
        k: v for k, v in os.environ.items() if k not in REMOVED_FROM_CHILDREN
    }
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"  # no C++ log lines on stderr
    return env


def parent_environment():
    return {name: os.environ.get(name) for name in RECORDED}


def _cpuinfo():
    try:
        return Path("/proc/cpuinfo").read_text()
    except OSError:
        return ""


def cpu_model():
    match = re.search(r"^model name\s*:\s*(.+)$", _cpuinfo(), re.M)
    return match.group(1).strip() if match else platform.processor() or None


def isa_flags():
    """The vector-instruction flags of ``/proc/cpuinfo`` that matter to BLAS and oneDNN."""
    match = re.search(r"^flags\s*:\s*(.+)$", _cpuinfo(), re.M)
    flags = set(match.group(1).split()) if match else set()
    return [flag for flag in ISA_FLAGS if flag in flags]


def memory_gib():
    try:
        text = Path("/proc/meminfo").read_text()
    except OSError:
        return None
    kib = int(re.search(r"^MemTotal:\s*(\d+)", text, re.M).group(1))
    return round(kib / 2**20, 1)


def describe_parent(threads):
    """The machine as the parent sees it (the libraries come from the children)."""
    return {
        "cpu_model": cpu_model(),
        "isa": isa_flags(),
        "cores": os.cpu_count(),
        "memory_gib": memory_gib(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "threads": threads,
        "parent_environment": parent_environment(),
    }


# ---- what a child uses (called inside the child, after its library is imported)


def numpy_libraries(threads):
    import numpy as np
    from threadpoolctl import threadpool_info

    blas = [p for p in threadpool_info() if p.get("user_api") == "blas"]
    # numpy's own BLAS first (scipy may bring another copy)
    blas.sort(key=lambda p: "numpy" not in p.get("filepath", ""))
    first = blas[0] if blas else {}
    return {
        "numpy": np.__version__,
        "blas": {
            "name": first.get("internal_api"),
            "version": first.get("version"),
            "kernel": first.get("architecture"),
            "threads": first.get("num_threads"),
        },
    }


def torch_libraries():
    import torch

    config = torch.__config__.show()
    onednn = re.search(r"(?:oneDNN|MKL-DNN)[^\n]*?(v[\d.]+)", config)
    mkl = re.search(r"Math Kernel Library Version ([\d.]+)", config)
    return {
        "torch": torch.__version__,
        "torch_cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "onednn": onednn.group(1) if onednn else None,
        "mkl": mkl.group(1) if mkl else None,
        "torch_threads": torch.get_num_threads(),
    }


def tf_libraries():
    import tensorflow as tf

    switch = os.environ.get("TF_ENABLE_ONEDNN_OPTS")
    x86_linux = platform.system() == "Linux" and platform.machine() in (
        "x86_64",
        "AMD64",
    )
    on = switch in ("1", "true", "True") or (switch is None and x86_linux)
    return {
        "tensorflow": tf.__version__,
        "tf_onednn": "on" if on else "off",
        "tf_intra_op_threads": tf.config.threading.get_intra_op_parallelism_threads(),
        "tf_inter_op_threads": tf.config.threading.get_inter_op_parallelism_threads(),
    }


def load_average():
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except OSError:
        return None
