"""``explorer``: ipywidgets sliders that redraw the scatter and direct views (a live kernel only)."""

from __future__ import annotations

import numpy as np

from ..shapes import conv_transpose_output_size
from .direct import direct_figure
from .scatter import scatter_figure

# (description, value, min, max) of every slider
SLIDERS = [
    ("input size", 3, 1, 6),
    ("kernel size", 3, 1, 5),
    ("stride", 2, 1, 4),
    ("padding", 0, 0, 4),
    ("output_padding", 0, 0, 3),
    ("dilation", 1, 1, 3),
]


def explorer_example(in_size, kernel_size, two_dimensional):
    """The explorer's input ``1, 2, ..., i`` (or ``i x i``) and kernel ``1, ..., k`` (or ``k x k``)."""
    if two_dimensional:
        x = np.arange(1, in_size**2 + 1, dtype=float).reshape(in_size, in_size)
        w = np.arange(1, kernel_size**2 + 1, dtype=float).reshape(
            kernel_size, kernel_size
        )
        return x, w
    return np.arange(1, in_size + 1, dtype=float), np.arange(
        1, kernel_size + 1, dtype=float
    )


def size_sentence(i, k, s, p, op, d, two_dimensional):
    """The output size, worked out; the library's checks raise their rule sentences first."""
    size = conv_transpose_output_size(
        (i, i) if two_dimensional else i,
        (k, k) if two_dimensional else k,
        s,
        p,
        op,
        d,
    )
    side = size[0] if two_dimensional else size
    sentence = (
        f"output size = s(i-1) + d(k-1) - 2p + output_padding + 1 = "
        f"{s}·{i - 1} + {d}·{k - 1} - 2·{p} + {op} + 1 = {side}"
    )
    return sentence + (
        f"  (shape {size[0]}×{size[1]})" if two_dimensional else ""
    )


def explorer():
    """Sliders for input size, kernel size, stride, padding, output_padding and dilation.

    Every change redraws :func:`scatter_figure` and :func:`direct_figure` for the input
    ``1, 2, ..., i`` (1-D) or ``i x i`` (2-D) and the kernel ``1, 2, ..., k`` (or ``k x k``), and
    prints the output size from ``tconv_lib.conv_transpose_output_size``. An invalid
    combination (for example ``output_padding >= max(stride, dilation)``) prints the library's
    error message instead: the rule sentences of ``tconv_lib.messages``, the same the website's
    explorer shows. Needs a running Jupyter kernel (chapter 00; the website has its own).

    Returns
    -------
    ipywidgets.VBox
        The sliders, a 1-D/2-D toggle and the output area.

    Raises
    ------
    ImportError
        If ipywidgets is not installed.

    See Also
    --------
    scatter_figure, direct_figure : the two views it redraws.
    tconv_lib.conv_transpose_output_size : the size it prints.

    Examples
    --------
    In a notebook (the sliders need a running kernel):

    >>> from tconv_lib import viz
    >>> viz.explorer()  # doctest: +SKIP
    VBox(...)
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    style = {"description_width": "110px"}
    layout = widgets.Layout(width="320px")
    sliders = {
        name: widgets.IntSlider(
            value=value,
            min=low,
            max=high,
            description=name,
            style=style,
            layout=layout,
        )
        for name, value, low, high in SLIDERS
    }
    dims = widgets.ToggleButtons(
        options=["1-D", "2-D"], value="1-D", description="dims", style=style
    )
    out = widgets.Output()

    def redraw(*_):
        i, k, s, p, op, d = (slider.value for slider in sliders.values())
        two_dimensional = dims.value == "2-D"
        x, w = explorer_example(i, k, two_dimensional)
        show_values = i * k <= 30 or not two_dimensional
        out.clear_output(wait=True)
        with out:
            try:
                print(size_sentence(i, k, s, p, op, d, two_dimensional))
                figures = [
                    scatter_figure(x, w, s, p, op, d, show_values=show_values),
                    direct_figure(x, w, s, p, op, d, show_values=show_values),
                ]
            except (ValueError, TypeError) as error:
                print(f"{type(error).__name__}: {error}")
                return
            for fig in figures:
                display(fig)
                plt.close(fig)

    for widget in [*sliders.values(), dims]:
        widget.observe(redraw, names="value")
    left = widgets.VBox(
        [dims, sliders["input size"], sliders["kernel size"], sliders["stride"]]
    )
    right = widgets.VBox(
        [sliders["padding"], sliders["output_padding"], sliders["dilation"]]
    )
    box = widgets.VBox([widgets.HBox([left, right]), out])
    redraw()
    return box
