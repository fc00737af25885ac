"""Every bad argument raises ValueError or TypeError, and the message names the argument."""

import numpy as np
import pytest

import tconv_lib as tl

X = np.ones((1, 2, 3, 3))
W = np.ones((2, 1, 3, 3))  # tconv: C_in=2, C_out=1


BAD_CALLS = [
    # (description, call, exception, a word the message must contain)
    (
        "stride 0",
        lambda: tl.conv_transpose(X, W, stride=0),
        ValueError,
        "stride=0 must be >= 1 in every dimension",
    ),
    (
        "negative stride per dimension",
        lambda: tl.conv_transpose(X, W, stride=(1, -1)),
        ValueError,
        "stride=(1, -1) must be >= 1 in every dimension",
    ),
    (
        "dilation 0",
        lambda: tl.conv_transpose(X, W, dilation=0),
        ValueError,
        "dilation=0 must be >= 1 in every dimension",
    ),
    (
        "negative padding",
        lambda: tl.conv_transpose(X, W, padding=-1),
        ValueError,
        "padding=-1 must be >= 0 in every dimension",
    ),
    (
        "output_padding not smaller than stride or dilation",
        lambda: tl.conv_transpose(X, W, stride=2, output_padding=2),
        ValueError,
        "output_padding=2 must be smaller than either stride=2 or dilation=1 in every dimension (0 <= output_padding <",
    ),
    (
        "negative output_padding",
        lambda: tl.conv_transpose(X, W, output_padding=-1),
        ValueError,
        "output_padding=-1 must be >= 0 in every dimension",
    ),
    (
        "channel mismatch",
        lambda: tl.conv_transpose(np.ones((1, 3, 3, 3)), W),
        ValueError,
        "w.shape[0]=2 must equal the input channels C_in=3 (transposed-convolution weights are (C_in, C_out/groups,",
    ),
    (
        "groups not dividing channels",
        lambda: tl.conv_transpose(
            np.ones((1, 3, 3, 3)), np.ones((3, 1, 2, 2)), groups=2
        ),
        ValueError,
        "groups=2 must divide the input channels C_in=3",
    ),
    (
        "groups zero",
        lambda: tl.conv_transpose(X, W, groups=0),
        ValueError,
        "groups=0 must be >= 1",
    ),
    (
        "groups not an int",
        lambda: tl.conv_transpose(X, W, groups=1.5),
        TypeError,
        "groups=1.5 must be an int, got float",
    ),
    (
        "wrong rank of x",
        lambda: tl.conv_transpose(np.ones((1, 1, 2, 3, 3)), W),
        ValueError,
        "x has shape (1, 1, 2, 3, 3); for a 2-D kernel expected (N, C_in, *spatial) with 4 axes or unbatched (C_in,",
    ),
    (
        "wrong rank of w",
        lambda: tl.conv_transpose(X, np.ones((2, 3))),
        ValueError,
        "w has shape (2, 3); expected (C_in, C_out/groups, *kernel) with 1, 2 or 3 spatial dimensions (3 to 5 axes)",
    ),
    (
        "4-D kernel",
        lambda: tl.conv_transpose(
            np.ones((1, 1, 2, 2, 2, 2)), np.ones((1, 1, 2, 2, 2, 2))
        ),
        ValueError,
        "w has shape (1, 1, 2, 2, 2, 2); expected (C_in, C_out/groups, *kernel) with 1, 2 or 3 spatial dimensions (3",
    ),
    (
        "tuple of the wrong length",
        lambda: tl.conv_transpose(X, W, stride=(1, 2, 3)),
        ValueError,
        "stride=(1, 2, 3) has 3 values; expected one int or 2 values (one per spatial dimension)",
    ),
    (
        "stride not an int",
        lambda: tl.conv_transpose(X, W, stride=1.5),
        TypeError,
        "stride=1.5 must be an int or a sequence of 2 ints, got float",
    ),
    (
        "empty output",
        lambda: tl.conv_transpose(X, W, padding=3),
        ValueError,
        "padding=(3, 3) crops more than the transposed convolution produces (in_size=(3, 3), kernel_size=(3, 3),",
    ),
    (
        "unknown method",
        lambda: tl.conv_transpose(X, W, method="fft"),
        ValueError,
        "method='fft' is not known; choose one of ('gemm', 'scatter', 'matrix', 'direct', 'subpixel')",
    ),
    (
        "non-numeric input",
        lambda: tl.conv_transpose([["a", "b"]], W),
        TypeError,
        "x must hold real numbers, got dtype <U1",
    ),
    (
        "complex weights",
        lambda: tl.conv_transpose(X, W * 1j),
        TypeError,
        "w must hold real numbers, got dtype complex128",
    ),
    (
        "empty axis",
        lambda: tl.conv_transpose(np.ones((1, 2, 0, 3)), W),
        ValueError,
        "x shape (1, 2, 0, 3) and w shape (2, 1, 3, 3) must not have empty axes",
    ),
    (
        "conv: channel mismatch",
        lambda: tl.conv(X, np.ones((4, 3, 3, 3))),
        ValueError,
        "w.shape[1]=3 times groups=1 must equal the input channels C_in=2 (convolution weights are (C_out,",
    ),
    (
        "conv: output channels not divisible by groups",
        lambda: tl.conv(X, np.ones((3, 1, 3, 3)), groups=2),
        ValueError,
        "groups=2 must divide the output channels C_out=w.shape[0]=3",
    ),
    (
        "conv: kernel larger than the padded input",
        lambda: tl.conv(X, np.ones((1, 2, 5, 5))),
        ValueError,
        "in_size=(3, 3) is too small for kernel_size=(5, 5), dilation=(1, 1), padding=(0, 0): the output would be",
    ),
    (
        "conv: negative padding",
        lambda: tl.conv(X, np.ones((1, 2, 3, 3)), padding=-1),
        ValueError,
        "padding=-1 must be >= 0 in every dimension",
    ),
    (
        "conv_matrix: in_shape of the wrong length",
        lambda: tl.conv_matrix(np.ones((1, 1, 3, 3)), (4, 4, 4)),
        ValueError,
        "in_shape=(4, 4, 4) has 3 values; expected one int or 2 values (one per spatial dimension)",
    ),
    (
        "conv_matrix: in_shape zero",
        lambda: tl.conv_matrix(np.ones((1, 1, 3, 3)), 0),
        ValueError,
        "in_shape=0 must be >= 1 in every dimension",
    ),
    (
        "conv_output_size: stride 0",
        lambda: tl.conv_output_size(4, 3, stride=0),
        ValueError,
        "stride=0 must be >= 1 in every dimension",
    ),
    (
        "conv_output_size: tuples of different lengths",
        lambda: tl.conv_output_size((4, 4), (3, 3, 3)),
        ValueError,
        "in_size has 2 values, kernel_size has 3 values; all per-dimension arguments must have the same length",
    ),
    (
        "conv_transpose_output_size: output_padding too large",
        lambda: tl.conv_transpose_output_size(4, 3, stride=2, output_padding=2),
        ValueError,
        "output_padding=2 must be smaller than either stride=2 or dilation=1 in every dimension (0 <= output_padding <",
    ),
    (
        "output_padding_for: impossible out_size",
        lambda: tl.output_padding_for(6, 30, 5, 3, 2),
        ValueError,
        "out_size=30 cannot be reached from in_size=6 with kernel_size=5, stride=3, padding=2, dilation=1: legal sizes",
    ),
    (
        "tf: illegal output_shape",
        lambda: tl.tf_conv_transpose(
            np.ones((1, 2, 2, 1)),
            np.ones((3, 3, 1, 1)),
            (1, 7, 7, 1),
            2,
            "VALID",
        ),
        ValueError,
        "output_shape=(1, 7, 7, 1) is not legal for input size (2, 2), kernel (3, 3), strides (2, 2), padding 'VALID',",
    ),
    (
        "tf: output_shape of the wrong length",
        lambda: tl.tf_conv_transpose(
            np.ones((1, 2, 2, 1)), np.ones((3, 3, 1, 1)), (5, 5), 2, "VALID"
        ),
        ValueError,
        "output_shape=(5, 5) must be a sequence of 4 ints (N, *spatial, C_out)",
    ),
    (
        "tf: output_shape channels disagree with filters",
        lambda: tl.tf_conv_transpose(
            np.ones((1, 2, 2, 1)),
            np.ones((3, 3, 1, 1)),
            (1, 5, 5, 2),
            2,
            "VALID",
        ),
        ValueError,
        "output_shape=(1, 5, 5, 2) must start with the batch size 1 and end with C_out=filters.shape[-2]=1",
    ),
    (
        "tf: input channels disagree with filters",
        lambda: tl.tf_conv_transpose(
            np.ones((1, 2, 2, 2)),
            np.ones((3, 3, 1, 1)),
            (1, 5, 5, 1),
            2,
            "VALID",
        ),
        ValueError,
        "x has 2 channels but filters.shape[-1]=1 (filters are (*kernel, C_out, C_in))",
    ),
    (
        "tf: unknown padding mode",
        lambda: tl.tf_conv_transpose(
            np.ones((1, 2, 2, 1)),
            np.ones((3, 3, 1, 1)),
            (1, 5, 5, 1),
            2,
            "FULL",
        ),
        ValueError,
        "padding='FULL': TensorFlow requires 'SAME' or 'VALID' (upper case) or explicit [before, after] pairs",
    ),
    (
        "tf: explicit padding with a negative value",
        lambda: tl.tf_conv_transpose(
            np.ones((1, 2, 2, 1)),
            np.ones((3, 3, 1, 1)),
            (1, 5, 5, 1),
            2,
            [[0, 0], [-1, 0], [0, 0], [0, 0]],
        ),
        ValueError,
        "padding=[[0, 0], [-1, 0], [0, 0], [0, 0]] must hold ints >= 0",
    ),
    (
        "tf: strides with a batch entry other than 1",
        lambda: tl.tf_conv_transpose(
            np.ones((1, 2, 2, 1)),
            np.ones((3, 3, 1, 1)),
            (1, 5, 5, 1),
            [2, 2, 2, 1],
            "VALID",
        ),
        ValueError,
        "strides=[2, 2, 2, 1]: the batch and channel entries must be 1",
    ),
    (
        "tf: impossible out_size for torch_args_for_tf",
        lambda: tl.torch_args_for_tf(4, 3, 20, 2, "SAME"),
        ValueError,
        "out_size=20 is not legal for this TF call (padding 'SAME'): each spatial size must be in 7..8",
    ),
]


@pytest.mark.parametrize(
    "description,call,exception,message",
    BAD_CALLS,
    ids=[c[0] for c in BAD_CALLS],
)
def test_bad_argument_raises_and_names_it(
    description, call, exception, message
):
    # The message as written: the argument, the value it got and what is allowed.
    with pytest.raises(exception) as error:
        call()
    assert str(error.value).startswith(message), str(error.value)


def test_each_method_is_checked_once_by_the_shared_step():
    """The methods receive checked tuples: a bad argument fails before any method runs."""
    calls = []
    original = tl.transpose._METHODS["scatter"]
    tl.transpose._METHODS["scatter"] = lambda *args: (
        calls.append(args) or original(*args)
    )
    try:
        with pytest.raises(ValueError, match="output_padding"):
            tl.conv_transpose(
                X, W, stride=2, output_padding=3, method="scatter"
            )
        tl.conv_transpose(X, W, stride=np.int64(2), method="scatter")
    finally:
        tl.transpose._METHODS["scatter"] = original
    ((x, w, arguments, groups, out_size, budget),) = calls
    assert arguments.stride == (2, 2) and all(
        type(v) is int for v in arguments.stride
    )
    assert out_size == (7, 7) and budget == tl.MEMORY_BUDGET
