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
        "stride",
    ),
    (
        "negative stride per dimension",
        lambda: tl.conv_transpose(X, W, stride=(1, -1)),
        ValueError,
        "stride",
    ),
    (
        "dilation 0",
        lambda: tl.conv_transpose(X, W, dilation=0),
        ValueError,
        "dilation",
    ),
    (
        "negative padding",
        lambda: tl.conv_transpose(X, W, padding=-1),
        ValueError,
        "padding",
    ),
    (
        "output_padding not smaller than stride or dilation",
        lambda: tl.conv_transpose(X, W, stride=2, output_padding=2),
        ValueError,
        "output_padding",
    ),
    (
        "negative output_padding",
        lambda: tl.conv_transpose(X, W, output_padding=-1),
        ValueError,
        "output_padding",
    ),
    (
        "channel mismatch",
        lambda: tl.conv_transpose(np.ones((1, 3, 3, 3)), W),
        ValueError,
        "C_in",
    ),
    (
        "groups not dividing channels",
        lambda: tl.conv_transpose(
            np.ones((1, 3, 3, 3)), np.ones((3, 1, 2, 2)), groups=2
        ),
        ValueError,
        "groups",
    ),
    (
        "groups zero",
        lambda: tl.conv_transpose(X, W, groups=0),
        ValueError,
        "groups",
    ),
    (
        "groups not an int",
        lambda: tl.conv_transpose(X, W, groups=1.5),
        TypeError,
        "groups",
    ),
    (
        "wrong rank of x",
        lambda: tl.conv_transpose(np.ones((1, 1, 2, 3, 3)), W),
        ValueError,
        "x has shape",
    ),
    (
        "wrong rank of w",
        lambda: tl.conv_transpose(X, np.ones((2, 3))),
        ValueError,
        "w has shape",
    ),
    (
        "4-D kernel",
        lambda: tl.conv_transpose(
            np.ones((1, 1, 2, 2, 2, 2)), np.ones((1, 1, 2, 2, 2, 2))
        ),
        ValueError,
        "w has shape",
    ),
    (
        "tuple of the wrong length",
        lambda: tl.conv_transpose(X, W, stride=(1, 2, 3)),
        ValueError,
        "stride",
    ),
    (
        "stride not an int",
        lambda: tl.conv_transpose(X, W, stride=1.5),
        TypeError,
        "stride",
    ),
    (
        "empty output",
        lambda: tl.conv_transpose(X, W, padding=3),
        ValueError,
        "padding",
    ),
    (
        "unknown method",
        lambda: tl.conv_transpose(X, W, method="fft"),
        ValueError,
        "method",
    ),
    (
        "non-numeric input",
        lambda: tl.conv_transpose([["a", "b"]], W),
        TypeError,
        "x",
    ),
    ("complex weights", lambda: tl.conv_transpose(X, W * 1j), TypeError, "w"),
    (
        "empty axis",
        lambda: tl.conv_transpose(np.ones((1, 2, 0, 3)), W),
        ValueError,
        "empty",
    ),
    (
        "conv: channel mismatch",
        lambda: tl.conv(X, np.ones((4, 3, 3, 3))),
        ValueError,
        "C_in",
    ),
    (
        "conv: output channels not divisible by groups",
        lambda: tl.conv(X, np.ones((3, 1, 3, 3)), groups=2),
        ValueError,
        "groups",
    ),
    (
        "conv: kernel larger than the padded input",
        lambda: tl.conv(X, np.ones((1, 2, 5, 5))),
        ValueError,
        "in_size",
    ),
    (
        "conv: negative padding",
        lambda: tl.conv(X, np.ones((1, 2, 3, 3)), padding=-1),
        ValueError,
        "padding",
    ),
    (
        "conv_matrix: in_shape of the wrong length",
        lambda: tl.conv_matrix(np.ones((1, 1, 3, 3)), (4, 4, 4)),
        ValueError,
        "in_shape",
    ),
    (
        "conv_matrix: in_shape zero",
        lambda: tl.conv_matrix(np.ones((1, 1, 3, 3)), 0),
        ValueError,
        "in_shape",
    ),
    (
        "conv_output_size: stride 0",
        lambda: tl.conv_output_size(4, 3, stride=0),
        ValueError,
        "stride",
    ),
    (
        "conv_output_size: tuples of different lengths",
        lambda: tl.conv_output_size((4, 4), (3, 3, 3)),
        ValueError,
        "dimensions",
    ),
    (
        "conv_transpose_output_size: output_padding too large",
        lambda: tl.conv_transpose_output_size(4, 3, stride=2, output_padding=2),
        ValueError,
        "output_padding",
    ),
    (
        "output_padding_for: impossible out_size",
        lambda: tl.output_padding_for(6, 30, 5, 3, 2),
        ValueError,
        "out_size",
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
        "output_shape",
    ),
    (
        "tf: output_shape of the wrong length",
        lambda: tl.tf_conv_transpose(
            np.ones((1, 2, 2, 1)), np.ones((3, 3, 1, 1)), (5, 5), 2, "VALID"
        ),
        ValueError,
        "output_shape",
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
        "output_shape",
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
        "filters",
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
        "padding",
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
        "padding",
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
        "strides",
    ),
    (
        "tf: impossible out_size for torch_args_for_tf",
        lambda: tl.torch_args_for_tf(4, 3, 20, 2, "SAME"),
        ValueError,
        "out_size",
    ),
]


@pytest.mark.parametrize(
    "description,call,exception,word", BAD_CALLS, ids=[c[0] for c in BAD_CALLS]
)
def test_bad_argument_raises_and_names_it(description, call, exception, word):
    with pytest.raises(exception) as error:
        call()
    assert word in str(error.value), str(error.value)


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
