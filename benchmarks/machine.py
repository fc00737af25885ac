"""The machine and the environment: what the parent sees, what children use."""

from __future__ import annotations

import os
import platform
import re
from pathlib import Path

#: Variables that pick kernels, thread counts or the allocator. The course's
#: "foreign CPU" setting (and this machine's environment) sets some; a child
#: starts without them, so every library runs the kernels it picks for this
#: CPU, with the threads the harness sets explicitly.
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
    "DNNL_MAX_CPU_ISA",
    "ONEDNN_DEFAULT_FPMATH_MODE",
    "DNNL_DEFAULT_FPMATH_MODE",
    "OMP_WAIT_POLICY",
    "KMP_BLOCKTIME",
    "GOMP_SPINCOUNT",
    "GOTO_NUM_THREADS",
    "TF_NUM_INTRAOP_THREADS",
    "TF_NUM_INTEROP_THREADS",
    "NPY_DISABLE_CPU_FEATURES",
    "MKL_ENABLE_INSTRUCTIONS",
    "MKL_DEBUG_CPU_TYPE",
    "THP_MEM_ALLOC_ENABLE",
    # glibc's allocator, so that "glibc's defaults" holds in every child
    "GLIBC_TUNABLES",
    "LD_PRELOAD",
)
#: Every variable whose name starts so is removed too (glibc's malloc tunables).
REMOVED_PREFIX = "MALLOC_"
RECORDED = REMOVED_FROM_CHILDREN + ("TF_CPP_MIN_LOG_LEVEL",)
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


def removed(name):
    return name in REMOVED_FROM_CHILDREN or name.startswith(REMOVED_PREFIX)


def child_environment():
    """The parent's environment without the kernel, thread, malloc variables."""
    env = {k: v for k, v in os.environ.items() if not removed(k)}
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"  # no C++ log lines on stderr
    return env


def parent_environment():
    """Every recorded variable (None when unset) and any MALLOC_* set."""
    recorded = {name: os.environ.get(name) for name in RECORDED}
    malloc = {
        k: v for k, v in os.environ.items() if k.startswith(REMOVED_PREFIX)
    }
    return recorded | dict(sorted(malloc.items()))


def _cpuinfo():
    try:
        return Path("/proc/cpuinfo").read_text()
    except OSError:
        return ""


def _cpuinfo_field(name):
    match = re.search(rf"^{name}\s*:\s*(.+)$", _cpuinfo(), re.M)
    return match.group(1).strip() if match else None


def cpu_model():
    return _cpuinfo_field("model name") or platform.processor() or None


def _read(path):
    try:
        return Path(path).read_text().strip()
    except OSError:
        return None


def _int_or_none(text):
    return int(text) if text is not None and text.isdigit() else None


def cpu_identity():
    """family, model, stepping and MHz of the first CPU in /proc/cpuinfo."""
    mhz = _cpuinfo_field("cpu MHz")
    return {
        "family": _int_or_none(_cpuinfo_field("cpu family")),
        "model": _int_or_none(_cpuinfo_field("model")),
        "stepping": _int_or_none(_cpuinfo_field("stepping")),
        "mhz": round(float(mhz)) if mhz else None,
    }


def caches():
    """L1d, L2 and L3 sizes of cpu0 as the kernel reports them ("48K")."""
    sizes = {}
    for index in sorted(
        Path("/sys/devices/system/cpu/cpu0/cache").glob("index*")
    ):
        level, kind = _read(index / "level"), _read(index / "type")
        name = {"Data": "L1d"}.get(kind) if level == "1" else f"L{level}"
        if name and kind != "Instruction":
            sizes[name] = _read(index / "size")
    return {name: sizes.get(name) for name in ("L1d", "L2", "L3")}


def threads_per_core():
    siblings = _read(
        "/sys/devices/system/cpu/cpu0/topology/thread_siblings_list"
    )
    if siblings is None:
        return None
    count = 0
    for part in siblings.split(","):
        first, _, last = part.partition("-")
        count += int(last or first) - int(first) + 1
    return count


def transparent_hugepages():
    """The bracketed mode of /sys/kernel/mm/transparent_hugepage/enabled."""
    text = _read("/sys/kernel/mm/transparent_hugepage/enabled")
    match = re.search(r"\[(\w+)\]", text or "")
    return match.group(1) if match else None


def glibc_version():
    try:
        return os.confstr("CS_GNU_LIBC_VERSION")
    except (ValueError, OSError):
        return None


def cgroup_cpu_max():
    """The cgroup v2 CPU quota ("max 100000" means none), if readable."""
    line = _read("/proc/self/cgroup") or ""
    relative = line.split("::", 1)[1] if line.startswith("0::") else "/"
    return _read(f"/sys/fs/cgroup{relative.rstrip('/')}/cpu.max") or _read(
        "/sys/fs/cgroup/cpu.max"
    )


def steal_jiffies():
    """The "steal" column of /proc/stat's cpu line: time a hypervisor took."""
    line = (_read("/proc/stat") or "").splitlines()[:1]
    fields = line[0].split() if line else []
    return int(fields[8]) if len(fields) > 8 and fields[0] == "cpu" else None


def _flags():
    return set((_cpuinfo_field("flags") or "").split())


def isa_flags():
    """The vector-instruction flags of /proc/cpuinfo that matter to BLAS and
    oneDNN."""
    flags = _flags()
    return [flag for flag in ISA_FLAGS if flag in flags]


def memory_gib():
    try:
        text = Path("/proc/meminfo").read_text()
    except OSError:
        return None
    kib = int(re.search(r"^MemTotal:\s*(\d+)", text, re.M).group(1))
    return round(kib / 2**20, 1)


def describe_parent(threads):
    """The machine as the parent sees it (libraries come from the children)."""
    return {
        "cpu_model": cpu_model(),
        **cpu_identity(),
        "caches": caches(),
        "smt": threads_per_core(),
        "hypervisor": "hypervisor" in _flags(),
        "transparent_hugepages": transparent_hugepages(),
        "glibc": glibc_version(),
        "affinity": len(os.sched_getaffinity(0)),
        "cgroup_cpu_max": cgroup_cpu_max(),
        "isa": isa_flags(),
        "cores": os.cpu_count(),
        "memory_gib": memory_gib(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "threads": threads,
        "parent_environment": parent_environment(),
    }


# ---- what a child uses (called in the child, after its library is imported)


def numpy_libraries(threads):
    import numpy as np
    from threadpoolctl import threadpool_info

    blas = [p for p in threadpool_info() if p.get("user_api") == "blas"]
    # numpy's own BLAS first (scipy may bring another copy)
    blas.sort(key=lambda p: "numpy" not in p.get("filepath", ""))
    first = blas[0] if blas else {}
    return {
        "numpy": np.__version__,
        "blas_all": [
            {
                "filepath": p.get("filepath"),
                "name": p.get("internal_api"),
                "version": p.get("version"),
                "kernel": p.get("architecture"),
                "threads": p.get("num_threads"),
            }
            for p in blas
        ],
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

    threading = tf.config.threading
    switch = os.environ.get("TF_ENABLE_ONEDNN_OPTS")
    x86_linux = platform.system() == "Linux" and platform.machine() in (
        "x86_64",
        "AMD64",
    )
    on = switch in ("1", "true", "True") or (switch is None and x86_linux)
    return {
        "tensorflow": tf.__version__,
        "tf_onednn": "on" if on else "off",
        "tf_intra_op_threads": threading.get_intra_op_parallelism_threads(),
        "tf_inter_op_threads": threading.get_inter_op_parallelism_threads(),
    }


def load_average():
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except OSError:
        return None
