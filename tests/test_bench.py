"""The benchmark harness (benchmarks/, chapter 09) on its quick suite.

Timings are never asserted (they are noisy); the JSON schema that chapter 09 reads, the
isolation of the numpy processes, the arithmetic of the summaries on hand-made numbers
and the agreement of every contender with PyTorch are.
"""

import json
import math
import sys

import pytest
from conftest import ROOT

# the harness is not part of the installed library: it lives in benchmarks/
sys.path.insert(0, str(ROOT / "benchmarks"))
import bench  # noqa: E402
import child  # noqa: E402
import machine  # noqa: E402
from layers import Layer, feasible, quick_suite  # noqa: E402


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    return out, bench.run(out, quick=True, threads=1)


def test_the_harness_writes_the_json_and_three_figures(result):
    out, data = result
    for name in (
        "bench.json",
        "suite_ratios.png",
        "scaling_size.png",
        "scaling_stride.png",
    ):
        assert (out / name).stat().st_size > 0, name
    assert json.loads((out / "bench.json").read_text()) == json.loads(
        json.dumps(data)
    )


def test_the_json_has_schema_2(result):
    _, data = result
    assert data["schema"] == 2
    assert {
        "cpu_model",
        "isa",
        "cores",
        "memory_gib",
        "os",
        "python",
        "numpy",
        "blas",
        "torch",
        "torch_cpu_capability",
        "onednn",
        "tensorflow",
        "tf_onednn",
        "threads",
        "parent_environment",
        "load_average_start",
        "load_average_end",
        "family",
        "model",
        "stepping",
        "mhz",
        "caches",
        "smt",
        "hypervisor",
        "transparent_hugepages",
        "glibc",
        "affinity",
        "cgroup_cpu_max",
        "steal_jiffies_run",
        "blas_all",
    } <= set(data["machine"])
    assert set(data["machine"]["caches"]) == {"L1d", "L2", "L3"}
    assert data["machine"]["blas_all"][0]["threads"] == 1
    assert set(data["machine"]["blas"]) == {
        "name",
        "version",
        "kernel",
        "threads",
    }
    assert data["machine"]["blas"]["threads"] == 1 == data["machine"]["threads"]
    assert data["machine"]["tf_onednn"] in ("on", "off")
    assert set(data["machine"]["parent_environment"]) >= set(
        machine.REMOVED_FROM_CHILDREN
    )
    assert {
        "dtype",
        "rounds",
        "warmups",
        "repeats",
        "isolation",
        "malloc",
        "budget_bytes",
        "slow_seconds",
        "slow_repeats",
        "matmul",
        "quick_values",
        "memory",
        "sparse",
        "tensorflow_padding",
    } <= set(data["settings"])
    settings = data["settings"]
    assert settings["rounds"] == bench.QUICK_ROUNDS
    assert settings["repeats"] == bench.QUICK_REPEATS
    assert settings["matmul"]["repeats"] == bench.MATMUL_REPEATS
    assert settings["min_seconds"] == 0.0  # fixed repeats, no growth
    assert data["matmul_peak_gflops"]["n"] == (
        bench.MATMUL_REPEATS * settings["rounds"]
    )
    assert settings["round_orders"] == [
        ["numpy", "torch", "tensorflow"],
        ["torch", "tensorflow", "numpy"],
    ]
    assert "1-9" in data["warmup_study"]["rule"]
    study = data["warmup_study"]
    assert study["calls"] == 15
    assert set(study["contenders"]) == {"gemm", "torch", "tensorflow"}
    for by_layer in study["contenders"].values():
        assert set(by_layer) == set(study["layers"])
        assert all(len(times) == 15 for times in by_layer.values())
    assert {"median", "minimum", "maximum"} <= set(data["matmul_peak_gflops"])


def test_every_suite_row_has_the_documented_fields(result):
    _, data = result
    assert [row["name"] for row in data["suite"]] == [
        layer.name for layer in quick_suite()
    ]
    for row, layer in zip(data["suite"], quick_suite()):
        assert row["flops"] == layer.flops
        assert row["out_size"] == list(layer.out_size)
        assert set(row["seconds"]) == set(bench.NUMPY_METHODS) | {
            "torch",
            "tensorflow",
        }
        for contender, cell in row["seconds"].items():
            if cell is None:
                continue
            assert set(cell) == {
                "median",
                "q1",
                "q3",
                "minimum",
                "maximum",
                "n",
                "rounds",
                "rounds_n",
                "unstable",
                "minor_faults_per_call",
                "contiguous_output",
            }
            assert cell["minimum"] <= min(cell["rounds"])
            assert max(cell["rounds"]) <= cell["maximum"]
            assert (
                cell["minimum"] <= cell["q1"] <= cell["q3"] <= cell["maximum"]
            )
            assert len(cell["rounds"]) == data["settings"]["rounds"]
            # every round of a quick run times the same fixed number of calls
            assert cell["rounds_n"] == [bench.QUICK_REPEATS] * len(
                cell["rounds"]
            )
            assert cell["n"] == sum(cell["rounds_n"])
            assert cell["minor_faults_per_call"] >= 0
            assert row["gflops"][contender] > 0
        for cell in row["ratio_to_torch"].values():
            assert set(cell) == {"median", "minimum", "maximum"}
        fastest = row["fastest_framework"]
        assert row["seconds"][fastest]["median"] == min(
            row["seconds"][f]["median"] for f in ("torch", "tensorflow")
        )
        to_fastest = row["ratio_to_fastest_framework"]["gemm"]
        assert to_fastest["median"] == pytest.approx(
            row["seconds"]["gemm"]["median"] / row["seconds"][fastest]["median"]
        )
    summary = data["summary"]
    assert set(summary) >= {
        "geomean_ratio_to_torch",
        "geomean_ratio_to_fastest_framework",
        "worst_gemm",
        "worst_gemm_vs_fastest_framework",
        "gemm_fraction_of_matmul_peak",
        "unstable",
    }
    assert set(summary["worst_gemm_vs_fastest_framework"]) == {
        "name",
        "ratio",
        "framework",
    }
    assert len(summary["gemm_fraction_of_matmul_peak"]) == 3


def test_gemm_returns_a_cropped_view_and_torch_a_contiguous_array(result):
    _, data = result
    by_name = {row["name"]: row["seconds"] for row in data["suite"]}
    # tiny DCGAN has padding 1: gemm crops its canvas; tiny 3-D has none
    assert by_name["tiny DCGAN"]["gemm"]["contiguous_output"] is False
    assert by_name["tiny 3-D"]["gemm"]["contiguous_output"] is True
    assert all(s["torch"]["contiguous_output"] for s in by_name.values())


def test_the_scaling_studies_have_slopes_and_predictions(result):
    _, data = result
    for study, values in (("size", [4, 8]), ("stride", [1, 2])):
        block = data["scaling"][study]
        assert block["variable"] == study and block["values"] == values
        assert set(block["methods"]) == set(bench.SCALING_METHODS)
        for method, entry in block["methods"].items():
            assert (
                len(entry["seconds"]) == len(values) == len(entry["peak_bytes"])
            )
            assert {"slope_seconds", "slope_peak_bytes"} <= set(entry)
            assert entry["slope_values"] == values[-3:]
            assert set(entry["predicted"]) == {
                "multiply_adds",
                "seconds",
                "peak_bytes",
                "why",
            }
            assert entry["predicted"]["why"], method
        for framework in ("torch", "tensorflow"):
            entry = block["methods"][framework]
            assert entry["peak_bytes"] == [
                bench.above_floor(raw) for raw in entry["peak_bytes_raw"]
            ]
            assert all(p is None or p >= 2**20 for p in entry["peak_bytes"])


def test_the_stride_study_predicts_seconds_2_where_multiply_adds_stay():
    stride = bench.PREDICTED["stride"]
    for method in ("gemm", "torch", "tensorflow", "subpixel", "scatter"):
        assert stride[method][:2] == (0, 2), method
    assert bench.PREDICTED["size"]["matrix"][:2] == (4, 4)


def test_a_memory_rise_below_1_mib_is_null():
    assert bench.above_floor(2**20 - 4096) is None
    assert bench.above_floor(-8192) is None
    assert bench.above_floor(None) is None
    assert bench.above_floor(3 * 2**20) == 3 * 2**20


def test_numpy_processes_never_import_torch_or_tensorflow(result):
    _, data = result
    numpy_children = [c for c in data["children"] if c["family"] == "numpy"]
    assert {c["task"] for c in numpy_children} == {"warmup", "suite", "scaling"}
    assert all(c["frameworks_loaded"] == [] for c in numpy_children)
    for framework in ("torch", "tensorflow"):
        children = [c for c in data["children"] if c["family"] == framework]
        assert children and all(
            c["frameworks_loaded"] == [framework] for c in children
        )
    for c in data["children"]:
        assert c["cpu_seconds"] > 0 and c["steal_jiffies"] >= 0


def test_rounds_rotate_the_family_order():
    families = ("numpy", "torch", "tensorflow")
    assert [bench.rotated(families, r) for r in range(4)] == [
        ("numpy", "torch", "tensorflow"),
        ("torch", "tensorflow", "numpy"),
        ("tensorflow", "numpy", "torch"),
        ("numpy", "torch", "tensorflow"),
    ]


def test_the_numpy_process_refuses_to_run_beside_a_framework():
    child.check_numpy_isolation(["numpy", "tconv_lib.gemm", "threadpoolctl"])
    with pytest.raises(RuntimeError, match=r"imported \['torch'\]"):
        child.check_numpy_isolation(["numpy", "torch._C"])
    assert child.frameworks_loaded(["tensorflow.python", "torch"]) == [
        "tensorflow",
        "torch",
    ]


def test_children_start_without_the_kernel_and_thread_variables(monkeypatch):
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Haswell")
    monkeypatch.setenv("TF_ENABLE_ONEDNN_OPTS", "0")
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    monkeypatch.setenv("MALLOC_ARENA_MAX", "2")
    monkeypatch.setenv("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=0")
    env = machine.child_environment()
    assert not set(machine.REMOVED_FROM_CHILDREN) & set(env)
    assert not [k for k in env if k.startswith("MALLOC_")]
    assert env["TF_CPP_MIN_LOG_LEVEL"] == "2"
    recorded = machine.parent_environment()
    assert recorded["OPENBLAS_CORETYPE"] == "Haswell"
    assert recorded["MALLOC_ARENA_MAX"] == "2"
    assert recorded["GLIBC_TUNABLES"] == "glibc.malloc.trim_threshold=0"


def test_every_contender_agrees_with_torch(result):
    _, data = result
    for row in data["suite"]:
        computed = {c for c, cell in row["seconds"].items() if cell is not None}
        assert set(row["max_rel_diff_to_torch"]) == computed - {"torch"}
        for contender, diff in row["max_rel_diff_to_torch"].items():
            assert diff < 1e-4, (row["name"], contender, diff)


def test_the_warmup_count_is_the_last_slow_call_plus_two():
    settled = [1.0] * 15
    slow_three = [30.0, 30.0, 2.0] + [1.0] * 12  # call 3 is > 1.5x the median
    assert bench.derive_warmups([settled]) == 3  # the minimum
    assert bench.derive_warmups([settled, slow_three]) == 3 + 2
    # a slow call among 10-15 is noise in the settled window, not warm-up
    noisy_window = [1.0] * 12 + [9.0, 1.0, 1.0]
    assert bench.derive_warmups([noisy_window]) == 3
    # 1.4x the settled time is not slow
    assert bench.derive_warmups([[1.4] * 6 + [1.0] * 9]) == 3
    assert bench.derive_warmups([[1.6] * 6 + [1.0] * 9]) == 6 + 2
    with pytest.raises(ValueError, match=r"series\[1\] must hold at least 10"):
        bench.derive_warmups([settled, [1.0] * 9])


def test_summary_pools_every_round_but_each_round_weighs_the_same():
    cell = bench.summary([[1.0, 2.0, 3.0], [5.0, 4.0, 6.0]])
    assert cell["median"] == 3.5 and cell["n"] == 6
    assert (cell["minimum"], cell["maximum"]) == (1.0, 6.0)
    assert cell["q1"] == 2.25 and cell["q3"] == 4.75
    assert cell["rounds"] == [2.0, 5.0] and cell["rounds_n"] == [3, 3]
    assert cell["unstable"]  # 5 / 2 > 1.5
    # nine fast calls in one round and three slow ones in the next: the
    # headline is the median of the two round medians, not of the 12 calls
    lopsided = bench.summary([[1.0] * 9, [2.0] * 3])
    assert lopsided["median"] == 1.5 and lopsided["rounds_n"] == [9, 3]
    assert lopsided["unstable"]  # 2 / 1 > 1.5
    assert not bench.summary([[1.0] * 3, [1.5] * 3])["unstable"]


def test_ratio_is_median_over_median_with_the_per_round_spread():
    gemm = {"median": 3.0, "rounds": [2.0, 6.0, 3.0]}
    torch = {"median": 2.0, "rounds": [1.0, 2.0, 2.0]}
    assert bench.ratio(gemm, torch) == {
        "median": 1.5,
        "minimum": 1.5,
        "maximum": 3.0,
    }
    assert bench.geometric_mean([1.0, 4.0]) == pytest.approx(2.0)
    assert bench.geometric_mean([2.0, 0.5, 8.0]) == pytest.approx(2.0)


def test_fitted_slope_recovers_a_power_law_over_the_largest_points():
    xs = [8, 16, 32, 64]
    assert bench.fitted_slope(xs, [5.0, 3 * 16**2, 3 * 32**2, 3 * 64**2]) == (
        pytest.approx(2.0)
    )
    assert bench.fitted_slope(xs, [None, None, None, 1.0]) is None
    # a slope needs each of the three largest x: never fitted over fewer
    assert bench.fitted_slope(xs, [64.0, None, 1024.0, 4096.0]) is None
    assert bench.fitted_slope(xs, [64.0, -1.0, 1024.0, 4096.0]) is None
    assert bench.fitted_slope(
        xs, [None, 256.0, 1024.0, 4096.0]
    ) == pytest.approx(2.0)


def test_flops_count_two_per_multiply_add():
    layer = Layer("DCGAN 4->8", "DCGAN", 8, 512, 256, (4, 4), 4, 2, 1)
    assert layer.flops == 2 * 8 * 512 * 256 * 16 * 16
    assert layer.out_size == (8, 8)
    assert math.prod(Layer("1-D", "1-D", 1, 1, 1, (10,), 4, 2).out_size) == 22


def test_the_dense_matrix_is_skipped_beyond_the_budget():
    small = Layer("s", "x", 1, 8, 8, (16, 16), 4, 2, 1)
    big = Layer("b", "x", 1, 8, 8, (64, 64), 4, 2, 1)
    assert feasible("matrix", small, 2 * 2**30)
    # 8*4096 x 8*16384 float32 entries = 4 GiB
    assert not feasible("matrix", big, 2 * 2**30)
