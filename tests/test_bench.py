"""Smoke test of the benchmark harness (benchmarks/bench.py, chapter 09) on a tiny suite.

Timings are not asserted (they are noisy); the JSON schema, the table, the plots, the
agreement of every contender with PyTorch and the analytic counts are.
"""

import json
import sys

import numpy as np
import pytest
from conftest import ROOT

# the harness is not part of the installed library: it lives in benchmarks/
sys.path.insert(0, str(ROOT / "benchmarks"))
import bench  # noqa: E402

TINY = [
    bench.Layer("tiny 2-D", "DCGAN", 2, 4, 3, (4, 5), 4, 2, 1),
    bench.Layer("tiny 1-D", "1-D", 1, 3, 2, (6,), 4, 2, 1),
]


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    return out, bench.run(
        out,
        quick=True,
        threads=1,
        use_tf=False,
        layers=TINY,
        show_progress=False,
        min_time=0.0,
    )


def test_the_harness_writes_json_table_and_plots(result):
    out, data = result
    for name in (
        "bench.json",
        "suite_table.md",
        "suite_ratios.png",
        "scaling_size.png",
        "scaling_stride.png",
    ):
        assert (out / name).stat().st_size > 0, name
    assert json.loads((out / "bench.json").read_text()) == json.loads(
        json.dumps(data)
    )


def test_the_json_has_the_documented_schema(result):
    _, data = result
    assert data["schema"] == 1
    assert {
        "cpu_model",
        "cores",
        "threads",
        "numpy",
        "torch",
        "tf_enable_onednn_opts",
    } <= set(data["machine"])
    assert data["matmul_peak_gflops"] > 0
    assert [row["name"] for row in data["suite"]] == [
        layer.name for layer in TINY
    ]
    for row, layer in zip(data["suite"], TINY):
        assert row["flops"] == layer.flops
        assert set(row["seconds"]) == set(bench.NUMPY_METHODS) | {"torch"}
        assert row["seconds"]["gemm"] > 0 and row["seconds"]["torch"] > 0
        assert row["max_rel_diff_to_torch"]["gemm"] < 1e-5
    assert data["geomean_ratio_to_torch"]["gemm"] > 0
    for study, values in (("size", (4, 8)), ("stride", (1, 2))):
        block = data["scaling"][study]
        assert block["values"] == list(values)
        assert set(block["methods"]) == set(bench.SCALING_METHODS) - {
            "tensorflow"
        }
        for method in block["methods"].values():
            assert (
                len(method["seconds"])
                == len(values)
                == len(method["peak_bytes"])
            )


def test_the_table_has_one_line_per_layer(result):
    out, _ = result
    lines = (out / "suite_table.md").read_text().strip().splitlines()
    assert len(lines) == 2 + len(TINY)
    assert lines[0].startswith("| layer | GFLOP | gemm ms")


def test_flops_count_two_per_multiply_add():
    layer = bench.Layer("DCGAN 4->8", "DCGAN", 8, 512, 256, (4, 4), 4, 2, 1)
    assert layer.flops == 2 * 8 * 512 * 256 * 16 * 16
    assert layer.out_size == (8, 8)


def test_fitted_slope_recovers_a_power_law():
    xs = [8, 16, 32, 64]
    assert bench.fitted_slope(xs, [3.0 * x**2 for x in xs]) == pytest.approx(
        2.0
    )
    assert bench.fitted_slope(xs, [None, None, None, 1.0]) is None


def test_the_dense_matrix_is_skipped_beyond_the_budget():
    small = bench.Layer("s", "x", 1, 8, 8, (16, 16), 4, 2, 1)
    big = bench.Layer("b", "x", 1, 8, 8, (64, 64), 4, 2, 1)
    assert bench.feasible("matrix", small, 2 * 2**30)
    assert not bench.feasible(
        "matrix", big, 2 * 2**30
    )  # 8*4096 x 8*16384 float32 = 4 GiB


@pytest.mark.parametrize(
    "layer", TINY + [bench.Layer("odd", "odd", 1, 2, 2, (5, 4), 5, 3, 1, 1)]
)
def test_the_tensorflow_and_sparse_contenders_compute_the_layer(layer):
    tf = bench._import_tf(1)
    rng = np.random.default_rng(0)
    x, w = bench._layer_arrays(layer, rng)
    expected = np.asarray(bench.torch_method(layer, x, w)())
    got_tf = np.moveaxis(np.asarray(bench.tf_method(layer, x, w, tf)()), -1, 1)
    np.testing.assert_allclose(got_tf, expected, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(
        bench.sparse_matrix_method(layer, x, w)(),
        expected,
        rtol=1e-4,
        atol=1e-5,
    )
