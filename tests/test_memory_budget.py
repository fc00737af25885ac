"""memory_budget bounds the working memory: measured peaks, chunked results, and the checks
that come first (the reviewer's findings on the first version of the guards)."""

import inspect

import numpy as np
import pytest
from conftest import budget_asked_for, torch_conv_transpose

import tconv_lib as tl
from tconv_lib import geometry, messages, transpose
from tconv_lib.gemm import gemm_conv_transpose


def traced_peak(call):
    """The result of ``call()`` and the peak bytes numpy allocated meanwhile."""
    results = []
    peak = tl.traced_peak(lambda: results.append(call()))
    return results[0], peak


RNG = np.random.default_rng(7)
X = RNG.standard_normal((16, 8, 24, 24)).astype(np.float32)
W_T = RNG.standard_normal((8, 8, 4, 4)).astype(np.float32)  # transposed layout
W_C = RNG.standard_normal((8, 8, 3, 3)).astype(np.float32)  # conv layout
BUDGET = 2**20  # 1 MiB: every call below needs several chunks

CALLS = {
    "conv": lambda b: tl.conv(X, W_C, padding=1, memory_budget=b),
    "gemm": lambda b: tl.conv_transpose(X, W_T, 2, 1, memory_budget=b),
    "direct": lambda b: tl.conv_transpose(
        X, W_T, 2, 1, method="direct", memory_budget=b
    ),
    "subpixel": lambda b: tl.conv_transpose(
        X, W_T, 2, 1, method="subpixel", memory_budget=b
    ),
}


@pytest.mark.parametrize("name", CALLS)
def test_the_measured_peak_beyond_the_output_stays_within_one_and_a_half_budgets(
    name,
):
    y, peak = traced_peak(lambda: CALLS[name](BUDGET))
    np.testing.assert_allclose(y, CALLS[name](2**30), rtol=1e-5, atol=1e-4)
    assert peak - y.nbytes <= 1.5 * BUDGET, (name, peak - y.nbytes)


@pytest.mark.parametrize("sparse", [False, True])
def test_conv_matrix_needs_no_more_than_the_budget_its_refusal_names(sparse):
    pytest.importorskip(
        "scipy.sparse"
    )  # imported before measuring: not the matrix's memory
    w = RNG.standard_normal((8, 8, 3, 3))
    with pytest.raises(ValueError) as refusal:
        tl.conv_matrix(w, (40, 40), sparse=sparse, memory_budget=1)
    budget = budget_asked_for(refusal)
    # The dense matrix and the index arrays together, not each on its own.
    assert budget >= (8 * 38 * 38) * (8 * 40 * 40) * 8 * (not sparse)
    _, peak = traced_peak(
        lambda: tl.conv_matrix(w, (40, 40), sparse=sparse, memory_budget=budget)
    )
    assert peak <= 1.5 * budget, (peak, budget)


def test_conv_chunks_an_everyday_layer_instead_of_refusing_it():
    # A U-Net 3x3 layer, scaled down 64 times (8 x 64 x 128^2 float32 needs ~300 MiB of
    # columns under a 256 MiB budget): the old guard refused it, now it is chunked.
    x = RNG.standard_normal((8, 16, 32, 32)).astype(np.float32)
    w = RNG.standard_normal((16, 16, 3, 3)).astype(np.float32)
    budget = 256 * 2**20 // 64
    y = tl.conv(x, w, padding=1, memory_budget=budget)
    np.testing.assert_allclose(
        y, tl.conv(x, w, padding=1, memory_budget=2**30), rtol=1e-6
    )


def test_conv_splits_one_sample_into_bands_of_output_rows():
    x = RNG.standard_normal((2, 3, 9, 7))
    w = RNG.standard_normal((4, 3, 3, 2))
    whole = tl.conv(x, w, stride=(2, 1), padding=1, dilation=(1, 2))
    with pytest.raises(ValueError, match="smallest chunk of conv") as refusal:
        tl.conv(
            x, w, stride=(2, 1), padding=1, dilation=(1, 2), memory_budget=1
        )
    budget = budget_asked_for(refusal)
    # One padded sample (3*11*9 entries) plus the columns and product of one row (3*6+4)*7.
    assert budget == (3 * 11 * 9 + (3 * 6 + 4) * 7) * 8
    banded = tl.conv(
        x, w, stride=(2, 1), padding=1, dilation=(1, 2), memory_budget=budget
    )
    np.testing.assert_allclose(banded, whole, rtol=0, atol=1e-12)


def test_gemm_reads_a_single_sample_in_place_and_splits_it_into_row_bands():
    # One sample whose input alone is the whole budget (the old guard counted a copy of it).
    x = RNG.standard_normal((1, 16, 64, 64)).astype(np.float32)
    w = RNG.standard_normal((16, 2, 2, 2)).astype(np.float32)
    expected = torch_conv_transpose(x, w, 2, 0, 0, 1, 1)
    got = tl.conv_transpose(x, w, 2, memory_budget=x.nbytes)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    # A budget below one output channel's columns: bands of input rows.
    tiny = (4 * 64 + 4 * 64 * 64) * 4 * 2
    got = tl.conv_transpose(x, w, 2, memory_budget=tiny)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


def test_the_subpixel_method_visits_only_the_phases_a_tap_reaches(monkeypatch):
    calls = []
    real_conv = transpose.conv
    monkeypatch.setattr(
        transpose, "conv", lambda *a, **k: calls.append(1) or real_conv(*a, **k)
    )
    x, w = np.ones((1, 1, 1, 1)), np.arange(9.0).reshape(1, 1, 3, 3)
    # Stride 5000: 25 million phases, of which the 3 x 3 taps reach 9.
    y = tl.conv_transpose(x, w, 5000, method="subpixel")
    np.testing.assert_array_equal(y, w)
    assert len(calls) == 9


def test_memory_budget_and_method_are_checked_before_anything_else():
    bad_w = np.ones((2, 3))  # would be refused later
    with pytest.raises(ValueError, match="memory_budget=0 must be >= 1"):
        tl.conv_transpose(np.ones((1, 2, 3)), bad_w, memory_budget=0)
    with pytest.raises(TypeError, match="memory_budget=1.5 must be an int"):
        tl.conv(np.ones((1, 2, 3)), bad_w, memory_budget=1.5)
    with pytest.raises(ValueError, match="memory_budget=0"):
        tl.conv_matrix(bad_w, 3, memory_budget=0)
    with pytest.raises(ValueError, match="method=3 is not known"):
        tl.conv_transpose(np.ones((1, 2, 3)), bad_w, method=3)
    for function in (tl.insert_zeros, tl.subpixel_weight, tl.icnr_weight):
        with pytest.raises(ValueError, match="memory_budget=0"):
            function(np.ones((1, 1, 3)), 2, memory_budget=0)


def test_tf_conv_transpose_passes_its_memory_budget_on():
    x, f = np.ones((1, 4, 4, 1)), np.ones((3, 3, 1, 1))
    assert "memory_budget" in inspect.signature(tl.tf_conv_transpose).parameters
    with pytest.raises(ValueError, match="more than memory_budget=100 bytes"):
        tl.tf_conv_transpose(x, f, (1, 8, 8, 1), 2, memory_budget=100)


def test_tf_refuses_lowercase_padding_like_tensorflow():
    x, f = np.ones((1, 4, 4, 1)), np.ones((3, 3, 1, 1))
    for call in (
        lambda: tl.tf_conv_transpose(x, f, (1, 8, 8, 1), 2, "same"),
        lambda: tl.tf_padding(8, 3, 2, "valid"),
        lambda: tl.tf_output_size_range(4, 3, 2, "Same"),
    ):
        with pytest.raises(
            ValueError, match="TensorFlow requires 'SAME' or 'VALID'"
        ):
            call()


def test_zero_dimensional_integer_arrays_are_ints_on_the_tf_path():
    assert tl.tf_padding(8, 3, np.array(2), "SAME") == tl.tf_padding(
        8, 3, 2, "SAME"
    )
    x, f = np.ones((1, 4, 4, 1)), np.ones((3, 3, 1, 1))
    with pytest.raises(ValueError, match="must be a sequence of 4 ints"):
        tl.tf_conv_transpose(x, f, np.array(8), 2)


def test_weights_are_checked_by_one_rule_everywhere():
    calls = {
        "flip_weight": tl.flip_weight,
        "subpixel_weight": lambda w: tl.subpixel_weight(w, 2),
        "icnr_weight": lambda w: tl.icnr_weight(w, 2),
        "tf_filters_to_torch": tl.tf_filters_to_torch,
        "torch_weight_to_tf": tl.torch_weight_to_tf,
        "conv_matrix": lambda w: tl.conv_matrix(w, 4),
    }
    for name, call in calls.items():
        with pytest.raises(TypeError, match="dtype bool"):
            call(np.ones((1, 1, 3), bool))
            pytest.fail(f"{name} accepted a bool weight")
        with pytest.raises(ValueError, match="must not have empty axes"):
            call(np.ones((1, 0, 3)))
        with pytest.raises(ValueError, match="1, 2 or 3 spatial dimensions"):
            call(np.ones((1, 1)))
    # Rearrangements keep an integer dtype.
    assert tl.flip_weight(np.ones((1, 1, 3), int)).dtype == int


def test_insert_zeros_of_a_scalar_says_it_has_no_axes():
    with pytest.raises(ValueError, match=r"has no axes"):
        tl.insert_zeros(5.0, 2)


def test_the_empty_output_message_names_dilation_and_output_padding():
    with pytest.raises(ValueError) as refusal:
        tl.conv_transpose_output_size(
            3, 3, padding=5, dilation=2, output_padding=1
        )
    assert str(refusal.value) == messages.EMPTY_TRANSPOSE_OUTPUT.format(
        padding=5,
        in_size=3,
        kernel_size=3,
        stride=1,
        dilation=2,
        output_padding=1,
    )
    assert "dilation=2, output_padding=1" in str(refusal.value)


def test_gemm_conv_transpose_checks_its_arguments_and_out_size():
    x = np.array([[[[0.0, 1.0], [2.0, 3.0]]]])
    with pytest.raises(ValueError, match="output_padding=1 must be smaller"):
        gemm_conv_transpose(x, x, 1, 0, 1, 1, 1, (4, 4))
    with pytest.raises(
        ValueError, match=r"out_size=\(4, 4\) is not the output"
    ):
        gemm_conv_transpose(x, x, 1, 0, 0, 1, 1, (4, 4))
    y = gemm_conv_transpose(x, x, 2, 0, 1, 1, 1, (5, 5))
    np.testing.assert_array_equal(
        y, tl.conv_transpose(x, x, 2, output_padding=1)
    )


def test_the_geometry_helpers_agree_with_the_formulas():
    from tconv_lib.arguments import layer_arguments

    a = layer_arguments(2, (2, 3), (1, 0), (1, 2), (1, 1))
    assert geometry.full_canvas_shape((4, 5), (3, 2), a) == (
        2 * 3 + 2 + 1 + 1,
        3 * 4 + 2 * 1 + 1 + 1,
    )
    assert geometry.direct_padding((3, 2), a) == [(1, 2), (2, 3)]
    for s, p in [(2, 1), (3, 2), (4, 0)]:
        for r in range(s):
            j = geometry.first_output_of_phase(r, s, p)
            assert 0 <= j < s and geometry.output_phase(j, s, p) == r
