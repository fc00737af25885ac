"""`import tconv_lib` stays light: numpy only, no torch, tensorflow, matplotlib or scipy."""

import subprocess
import sys


def test_import_tconv_lib_loads_no_framework():
    code = (
        "import sys, tconv_lib\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'torch', 'tensorflow', 'matplotlib', 'scipy', 'keras'})\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == ""


def test_public_api_has_the_fixed_names():
    import tconv_lib as tl

    for name in [
        "conv_output_size",
        "conv_transpose_output_size",
        "output_padding_for",
        "conv",
        "conv_transpose",
        "conv_matrix",
        "tf_conv_transpose",
    ]:
        assert callable(getattr(tl, name)), name
    assert tl.METHODS == ("gemm", "scatter", "matrix", "direct", "subpixel")
