"""The gemm method's phase form (tconv_lib.gemm_phases): when it is chosen, and that it is exact.

The form only changes how the output is computed, never what: these tests run it directly on
awkward arguments (groups, dilation, output padding, chunks down to one row) against torch.
"""

from types import SimpleNamespace

import numpy as np
import pytest
from conftest import budget_asked_for, torch_conv_transpose
from hypothesis import given, settings
from hypothesis import strategies as st

from tconv_lib.gemm_phases import phases_method, phases_pay
from tconv_lib.geometry import phase_lengths
from tconv_lib.shapes import conv_transpose_output_size


def layer(n, batch, c_in, c_out, side, k, s, p=0, op=0, d=1, groups=1, seed=0):
    """Random x, w and the layer's arguments as per-axis tuples."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, c_in) + (side,) * n)
    w = rng.standard_normal((c_in, c_out // groups) + (k,) * n)
    a = SimpleNamespace(stride=(s,) * n, padding=(p,) * n, dilation=(d,) * n)
    out = conv_transpose_output_size(
        (side,) * n, (k,) * n, a.stride, a.padding, (op,) * n, a.dilation
    )
    out = (out,) if isinstance(out, int) else tuple(out)
    q_len = phase_lengths(
        x.shape[2:], w.shape[2:], a.stride, a.padding, a.dilation, out
    )
    return x, w, a, groups, out, q_len, (s, p, op, d, groups)


@pytest.mark.parametrize(
    "args",
    [
        (3, 2, 32, 16, 8, 4, 2, 1),  # 3-D k=4 s=2: columns 8 times the output
        (2, 1, 21, 21, 16, 64, 32, 16),  # FCN-32s
        (2, 8, 128, 64, 16, 4, 2, 1),  # DCGAN 16->32: few output channels
        (2, 4, 64, 32, 23, 5, 3, 1),  # odd k=5 s=3
    ],
)
def test_it_is_chosen_where_the_columns_would_dwarf_its_traffic(args):
    x, w, a, groups, _, q_len, _ = layer(*args)
    assert phases_pay(x, w, groups, a.stride, a.dilation, q_len)


@pytest.mark.parametrize(
    "args",
    [
        (
            2,
            8,
            512,
            256,
            4,
            4,
            2,
            1,
        ),  # DCGAN 4->8: the weight would be reordered per call
        (2, 1, 128, 64, 32, 2, 2, 0),  # U-Net k = s: the columns are the canvas
        (2, 8, 128, 128, 32, 3, 1, 1),  # stride 1
        (
            1,
            4,
            512,
            256,
            256,
            16,
            8,
            4,
        ),  # 1-D audio: columns only twice the output
    ],
)
def test_it_is_not_chosen_where_the_columns_form_wins(args):
    x, w, a, groups, _, q_len, _ = layer(*args)
    assert not phases_pay(x, w, groups, a.stride, a.dilation, q_len)


def test_a_non_finite_input_keeps_the_columns_form():
    # its zero weights would turn an inf into nan where torch keeps it
    x, w, a, groups, _, q_len, _ = layer(3, 2, 32, 16, 8, 4, 2, 1)
    x[0, 0, 0, 0, 0] = np.inf
    assert not phases_pay(x, w, groups, a.stride, a.dilation, q_len)


@settings(max_examples=80, deadline=None)
@given(
    n=st.integers(1, 3),
    side=st.integers(1, 5),
    k=st.integers(1, 5),
    s=st.integers(2, 4),
    p=st.integers(0, 2),
    d=st.integers(1, 3),
    groups=st.integers(1, 2),
    data=st.data(),
)
def test_it_matches_torch_on_random_arguments(
    n, side, k, s, p, d, groups, data
):
    op = data.draw(st.integers(0, max(s, d) - 1))
    try:
        x, w, a, g, out, q_len, args = layer(
            n, 2, 2 * groups, 2 * groups, side, k, s, p, op, d, groups
        )
    except (
        ValueError
    ):  # an empty or impossible output: conv_transpose refuses it first
        return
    if min(out) < 1:
        return
    expected = torch_conv_transpose(x, w, *args)
    got = phases_method(x, w, a, g, out, q_len, 2**30)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-10)


def smallest_budget(x, w, a, groups, out, q_len):
    with pytest.raises(ValueError, match="memory_budget") as refusal:
        phases_method(x, w, a, groups, out, q_len, 1)
    return budget_asked_for(refusal)


@pytest.mark.parametrize("factor", [1, 2, 7, 10**6])
def test_chunks_of_rows_or_samples_give_the_same_result(factor):
    # factor 1: one q-row of one sample per chunk; 7: several rows; 10**6: one chunk
    x, w, a, groups, out, q_len, args = layer(2, 3, 4, 6, 5, 5, 3, 1, 1, 1, 2)
    budget = factor * smallest_budget(x, w, a, groups, out, q_len)
    got = phases_method(x, w, a, groups, out, q_len, budget)
    np.testing.assert_allclose(
        got, torch_conv_transpose(x, w, *args), atol=1e-10
    )


def test_its_working_memory_stays_within_the_budget_whatever_the_batch():
    import tracemalloc

    x, w, a, groups, out, q_len, _ = layer(3, 32, 8, 8, 8, 4, 2, 1)
    x, w = x.astype(np.float32), w.astype(np.float32)
    output_bytes = 32 * 8 * 18**3 * 4  # the uncropped canvas, 2 * 9 per side
    budget = 256 * 2**10  # the padded input alone is 32 * 8 * 10**3 * 4 = 1 MiB
    tracemalloc.start()
    phases_method(x, w, a, groups, out, q_len, budget)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak <= output_bytes + 2 * budget, (peak, output_bytes)
