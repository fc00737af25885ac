"""Edge input: every case either agrees with PyTorch or is refused with the reason.

Non-finite values, bool and float16 arrays, integer types of every kind, non-integer sizes,
and the memory guards, which must refuse before they allocate anything.
"""

import tracemalloc
import warnings

import numpy as np
import pytest
import torch
from conftest import budget_asked_for, torch_conv, torch_conv_transpose
from hypothesis import given, settings
from hypothesis import strategies as st

import tconv_lib as tl

# --- non-finite input ---------------------------------------------------------------------

#: The methods that multiply an array by zeros PyTorch never touches, and refuse it.
REFUSES_NON_FINITE = {"x": {"matrix"}, "w": {"matrix", "direct", "subpixel"}}


def non_finite_pattern(y):
    """Where the nans, the +infs and the -infs are."""
    return np.stack([np.isnan(y), np.isposinf(y), np.isneginf(y)])


@st.composite
def cases_with_one_non_finite_value(draw):
    n = draw(st.integers(1, 2))
    per_dim = lambda lo, hi: tuple(draw(st.integers(lo, hi)) for _ in range(n))  # noqa: E731
    kernel, stride, dilation = per_dim(1, 4), per_dim(1, 3), per_dim(1, 2)
    padding = tuple(
        draw(st.integers(0, d * (k - 1))) for k, d in zip(kernel, dilation)
    )
    output_padding = tuple(
        draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation)
    )
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    x = rng.standard_normal((1, 2) + per_dim(1, 4))
    w = rng.standard_normal((2, 2) + kernel)
    w.flat[draw(st.integers(0, w.size - 1))] = (
        0.0  # 0 * inf must give nan, as in PyTorch
    )
    where = draw(st.sampled_from(["x", "w"]))
    array = x if where == "x" else w
    array.flat[draw(st.integers(0, array.size - 1))] = draw(
        st.sampled_from([np.inf, -np.inf, np.nan])
    )
    return x, w, where, (stride, padding, output_padding, dilation)


@settings(max_examples=120, deadline=None)
@given(cases_with_one_non_finite_value())
def test_one_inf_or_nan_gives_torchs_non_finite_outputs_or_a_refusal(case):
    x, w, where, args = case
    try:
        expected = torch_conv_transpose(x, w, *args)
    except RuntimeError:  # an empty output: refused by both, tested elsewhere
        return
    for method in tl.METHODS:
        with warnings.catch_warnings():
            warnings.simplefilter(
                "ignore", RuntimeWarning
            )  # numpy warns on 0 * inf
            if method in REFUSES_NON_FINITE[where]:
                with pytest.raises(
                    ValueError,
                    match=f"{where} holds inf or nan.*method='{method}'",
                ):
                    tl.conv_transpose(x, w, *args, method=method)
                continue
            got = tl.conv_transpose(x, w, *args, method=method)
        np.testing.assert_array_equal(
            non_finite_pattern(got), non_finite_pattern(expected), method
        )
        finite = np.isfinite(expected)
        np.testing.assert_allclose(
            got[finite], expected[finite], atol=1e-10, err_msg=method
        )


@pytest.mark.parametrize("where", ["x", "w"])
def test_conv_with_an_inf_gives_torchs_non_finite_outputs(where):
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((1, 2, 6, 5)), rng.standard_normal((3, 2, 3, 2))
    w[0, 0, 1, 1] = 0.0
    (x if where == "x" else w)[0, 1, 2, 1] = np.inf
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        got = tl.conv(x, w, stride=2, padding=1)
    expected = torch_conv(x, w, 2, 1)
    np.testing.assert_array_equal(
        non_finite_pattern(got), non_finite_pattern(expected)
    )
    assert not np.isfinite(expected).all()


# --- dtypes -----------------------------------------------------------------------------------


def test_bool_arrays_are_refused_like_torch_refuses_them():
    x, w = np.ones((1, 1, 3, 3), bool), np.ones((1, 1, 2, 2), bool)
    with pytest.raises(RuntimeError, match="Bool"):
        torch.nn.functional.conv_transpose2d(
            torch.from_numpy(x), torch.from_numpy(w)
        )
    for call in (
        lambda: tl.conv_transpose(x, w),
        lambda: tl.conv(x, w),
        lambda: tl.conv_matrix(w, 3),
    ):
        with pytest.raises(TypeError, match="dtype bool.*astype"):
            call()


@pytest.mark.parametrize("method", tl.METHODS)
def test_float16_stays_float16_and_equals_torchs_float16(method):
    # Small integers: every product and sum is exact in float16, so the results must be equal.
    rng = np.random.default_rng(1)
    x = rng.integers(-3, 4, (2, 2, 4, 5)).astype(np.float16)
    w = rng.integers(-3, 4, (2, 3, 3, 3)).astype(np.float16)
    got = tl.conv_transpose(
        x, w, stride=2, padding=1, output_padding=1, method=method
    )
    expected = torch_conv_transpose(x, w, 2, 1, 1)
    assert got.dtype == expected.dtype == np.float16
    np.testing.assert_array_equal(got, expected)


def test_float16_random_values_agree_with_torch_to_float16_rounding():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((1, 4, 6, 6)).astype(np.float16)
    w = rng.standard_normal((4, 2, 4, 4)).astype(np.float16)
    got = tl.conv_transpose(x, w, stride=2, padding=1)
    expected = torch_conv_transpose(x, w, 2, 1)
    assert got.dtype == np.float16
    np.testing.assert_allclose(
        got.astype(float), expected.astype(float), rtol=2e-3, atol=2e-2
    )


# --- integer types and non-integer sizes ------------------------------------------------------


def test_numpy_integers_are_ints_and_give_ints():
    assert tl.conv_transpose_output_size(np.int64(4), 3) == 6
    assert type(tl.conv_transpose_output_size(np.int64(4), np.int32(3))) is int
    assert type(tl.conv_output_size(np.uint8(5), 3)) is int
    assert tl.keras_conv_transpose_output_size(np.int64(4), 2, 3, "valid") == 12
    assert tl.conv_transpose_output_size(np.array([4, 5]), 3) == (6, 7)
    assert (
        tl.conv_transpose_output_size(np.array(4), 3) == 6
    )  # a 0-d array is one int
    with pytest.raises(TypeError, match="must contain ints"):
        tl.conv_output_size(np.array([4.0, 5.0]), 3)
    y = tl.conv_transpose(
        np.ones((1, 1, 3)), np.ones((1, 1, 2)), stride=np.int64(2)
    )
    np.testing.assert_array_equal(y, [[[1, 1, 1, 1, 1, 1]]])


NON_INTEGER_SIZES = [
    (
        "conv_output_size in_size 4.0",
        lambda: tl.conv_output_size(4.0, 3),
        "in_size",
    ),
    (
        "conv_transpose stride 2.0",
        lambda: tl.conv_transpose(np.ones((1, 1, 3)), np.ones((1, 1, 2)), 2.0),
        "stride",
    ),
    (
        "padding True",
        lambda: tl.conv_transpose_output_size(4, 3, padding=True),
        "padding",
    ),
    (
        "tf output_shape 5.7",
        lambda: tl.tf_conv_transpose(
            np.ones((1, 2, 2, 1)),
            np.ones((3, 3, 1, 1)),
            (1, 5.7, 5, 1),
            2,
            "VALID",
        ),
        "output_shape",
    ),
    (
        "overlap_counts kernel 2.5",
        lambda: tl.overlap_counts(4, 2.5),
        "kernel_size",
    ),
    ("bilinear_kernel factor 2.0", lambda: tl.bilinear_kernel(2.0), "factor"),
    (
        "memory_budget 1e9",
        lambda: tl.conv_matrix(np.ones((1, 1, 2)), 4, memory_budget=1e9),
        "memory_budget",
    ),
]


@pytest.mark.parametrize(
    "description,call,name",
    NON_INTEGER_SIZES,
    ids=[c[0] for c in NON_INTEGER_SIZES],
)
def test_non_integer_sizes_are_refused_never_truncated(description, call, name):
    with pytest.raises(TypeError, match=name):
        call()


# --- the cases of the issue, one by one ---------------------------------------------------------


def test_tf_explicit_padding_must_hold_ints_not_bools():
    x, f = np.ones((1, 2, 2, 1)), np.ones((3, 3, 1, 1))
    # A bool is the wrong type, like TF's own check: TypeError.
    with pytest.raises(TypeError, match=r"must hold ints >= 0 \(not bools"):
        tl.tf_conv_transpose(
            x, f, (1, 5, 5, 1), 2, [[0, 0], [True, 0], [0, 0], [0, 0]]
        )


def test_tf_explicit_padding_that_crops_everything_says_so():
    x, f = np.ones((1, 2, 2, 1)), np.ones((3, 3, 1, 1))
    with pytest.raises(
        ValueError, match="crops more than the stamp canvas holds.*dimension 0"
    ):
        tl.tf_conv_transpose(
            x, f, (1, 1, 5, 1), 2, [[0, 0], [10, 10], [0, 0], [0, 0]]
        )
    assert (
        len(tl.tf_output_size_range((2, 2), 3, 2, [[10, 10], [0, 0]])[0]) == 0
    )


def test_weight_converters_refuse_arrays_without_1_to_3_spatial_dimensions():
    with pytest.raises(ValueError, match="filters has shape \\(3, 4\\)"):
        tl.tf_filters_to_torch(np.ones((3, 4)))
    with pytest.raises(ValueError, match="w has shape \\(1, 1, 2, 2, 2, 2\\)"):
        tl.torch_weight_to_tf(np.ones((1, 1, 2, 2, 2, 2)))


def test_tf_padding_takes_an_int_size_like_every_size_function():
    assert (
        tl.tf_padding(8, 3, 2, "SAME")
        == tl.tf_padding((8,), 3, 2, "SAME")
        == [(0, 1)]
    )
    assert tl.tf_padding(5, 3, [1, 2, 1], "SAME") == [(1, 1)]


def test_insert_zeros_takes_an_int_and_refuses_more_strides_than_axes():
    np.testing.assert_array_equal(
        tl.insert_zeros(np.ones(3), 2), [1, 0, 1, 0, 1]
    )
    image = np.arange(4.0).reshape(2, 2)
    np.testing.assert_array_equal(
        tl.insert_zeros(image, 2), tl.insert_zeros(image, (2, 2))
    )
    np.testing.assert_array_equal(
        tl.insert_zeros(image, 2), [[0, 0, 1], [0, 0, 0], [2, 0, 3]]
    )
    with pytest.raises(ValueError, match="stride=\\(2, 2, 2\\) has 3 entries"):
        tl.insert_zeros(np.ones(3), (2, 2, 2))


def test_checkerboard_energy_int_stride_equals_the_tuple_on_nchw_arrays():
    y = np.random.default_rng(3).standard_normal((2, 3, 8, 8))
    assert tl.checkerboard_energy(y, 2) == tl.checkerboard_energy(y, (2, 2))
    assert tl.checkerboard_energy(y[0, 0], 2) == tl.checkerboard_energy(
        y[0, 0], (2, 2)
    )
    assert tl.checkerboard_energy(y[0, 0, 0], 2) == tl.checkerboard_energy(
        y[0, 0, 0], (2,)
    )


def test_the_number_of_spatial_dimensions_comes_from_the_tuples():
    assert tl.overlap_counts(4, (3, 3), stride=2).shape == (9, 9)
    assert tl.tf_output_size_range(3, (2, 2), 2, "VALID") == [range(6, 8)] * 2
    with pytest.raises(
        ValueError,
        match="^in_size has 2 values, stride has 3 values; all per-dimension "
        "arguments must have the same length$",
    ):
        tl.conv_transpose_output_size((4, 4), 3, stride=(1, 2, 3))


# --- memory guards ----------------------------------------------------------------------------

F64 = 8  # bytes per float64 entry

# (description, call, what the message names, bytes of the call's own inputs): a refusal may
# allocate the inputs (and their float copies), never the array it refuses.
GUARDED = [
    (
        "conv_matrix of a 64-channel 3x3 layer on 512x512",
        lambda: tl.conv_matrix(np.ones((64, 64, 3, 3)), (512, 512)),
        "C of shape (16646400, 16777216)",
        64 * 64 * 9 * F64,
    ),
    (
        "the matrix method on a 16-channel layer",
        lambda: tl.conv_transpose(
            np.ones((1, 16, 32, 32)),
            np.ones((16, 16, 4, 4)),
            stride=2,
            method="matrix",
        ),
        "(16384, 69696)",
        (16 * 32 * 32 + 16 * 16 * 16) * F64,
    ),
    (
        "overlap_counts of 100000 x 100000",
        lambda: tl.overlap_counts((100000, 100000), 3),
        "(100002, 100002)",
        0,
    ),
    (
        "the sparse matrix of a large layer",
        lambda: tl.conv_matrix(
            np.ones((64, 64, 3, 3)), (512, 512), sparse=True
        ),
        "index arrays of C",
        64 * 64 * 9 * F64,
    ),
    (
        "conv's output with a huge padding",
        lambda: tl.conv(
            np.ones((1, 1, 3, 3)), np.ones((1, 1, 3, 3)), padding=10**5
        ),
        "output of conv of shape (1, 1, 200001, 200001)",
        2 * 9 * F64,
    ),
    (
        "the scatter method's canvas at stride 20000",
        lambda: tl.conv_transpose(
            np.ones((1, 1, 3, 3)),
            np.ones((1, 1, 3, 3)),
            20000,
            method="scatter",
        ),
        "(1, 1, 40003, 40003)",
        2 * 9 * F64,
    ),
    (
        "the subpixel method at stride 50000",
        lambda: tl.conv_transpose(
            np.ones((1, 1, 3, 3)),
            np.ones((1, 1, 3, 3)),
            50000,
            method="subpixel",
        ),
        "(1, 1, 100003, 100003)",
        2 * 9 * F64,
    ),
    (
        "insert_zeros at stride 20000",
        lambda: tl.insert_zeros(np.ones((3, 3)), 20000),
        "insert_zeros of shape (40001, 40001)",
        9 * F64,
    ),
    (
        "subpixel_weight at stride 10**8",
        lambda: tl.subpixel_weight(np.ones((1, 1, 3)), 10**8),
        "(1, 1, 100000000)",
        3 * F64,
    ),
]


@pytest.mark.parametrize(
    "description,call,shape,inputs", GUARDED, ids=[c[0] for c in GUARDED]
)
def test_memory_guard_refuses_before_allocating_with_shape_size_and_remedy(
    description, call, shape, inputs
):
    tracemalloc.start()
    try:
        with pytest.raises(ValueError) as refusal:
            call()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    message = str(refusal.value)
    assert (
        shape in message
        and "GiB" in message
        and "pass memory_budget=" in message
    ), message
    # The inputs and their float copies, plus 64 KiB of Python objects and messages.
    assert peak < 3 * inputs + 2**16, peak


def test_the_budget_the_refusal_names_is_enough():
    w = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
    with pytest.raises(ValueError) as refusal:
        tl.conv_matrix(w, (8, 8), memory_budget=1000)
    budget = budget_asked_for(refusal)
    assert budget >= 36 * 64 * 8  # at least the 36 x 64 float64 matrix
    np.testing.assert_array_equal(
        tl.conv_matrix(w, (8, 8), memory_budget=budget),
        tl.conv_matrix(w, (8, 8)),
    )


def test_memory_budget_must_be_a_positive_int():
    with pytest.raises(ValueError, match="memory_budget=0 must be >= 1"):
        tl.overlap_counts(4, 3, memory_budget=0)
    assert tl.MEMORY_BUDGET == 256 * 2**20
