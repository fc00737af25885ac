"""The course's figures and animations, drawn from the same code that computes the numbers.

Every figure function takes the arguments of the operation it draws (kernel, stride, padding,
output_padding, dilation) and computes what it shows with ``tconv_lib`` itself
(:func:`~tconv_lib.conv_transpose`, :func:`~tconv_lib.conv_matrix`,
:func:`~tconv_lib.overlap_counts`, :func:`~tconv_lib.insert_zeros`,
:func:`~tconv_lib.flip_weight`), so a picture can never disagree with the arithmetic, and
invalid arguments raise the library's own errors. Every figure takes ``memory_budget``
(keyword only) and refuses to draw more cells than fit in it.

``x`` and ``w`` are single-channel 1-D or 2-D arrays: the numbers written in the cells.

=======================  ===========================================================  =======
function                 what it draws                                                chapter
=======================  ===========================================================  =======
``show_arrays``          small arrays side by side as labelled grids                  00, 01, 05, 06
``scatter_figure``       every input element stamps a scaled kernel into the output   00, 02-06
``direct_figure``        zero insertion, padding, the rotated kernel sliding           02, 03, 04
``matrix_figure``        the convolution matrix C, or C^T, as a labelled heatmap       01, 02
``groups_figure``        C^T of a grouped layer: diagonal blocks, a colour bar         05
``overlap_figure``       how many stamps cover each output pixel: the checkerboard     07, 10
``subpixel_figure``      the kernel split into stride^n sub-kernels, interleaved       08, 09
``four_views_figure``    scatter, matrix, direct and gradient views of one example     02
``scatter_animation``    the scatter view, one frame per input element                 02
``direct_animation``     the direct view, one frame per output position                02
``save_gif``             an animation saved as a GIF (Pillow)                          any
``explorer``             ipywidgets sliders that redraw the scatter and direct views   00
=======================  ===========================================================  =======

One module per view (``scatter``, ``direct``, ``matrix``, ``groups``, ``overlap``,
``subpixel``, ``gradient``, ``four_views``, ``animations``, ``explorer``, ``arrays``), on a
shared ``board`` (an Axes in cell units) and ``style`` (the palette :data:`COLORS`, Okabe-Ito, colour-blind safe; padding,
inserted zeros and cropped cells are also hatched so the figures read in grayscale).

Importing ``tconv_lib`` does not import matplotlib; importing ``tconv_lib.viz`` does
(ipywidgets only when :func:`explorer` is called).
"""

from .animations import direct_animation, save_gif, scatter_animation
from .arrays import show_arrays
from .direct import direct_figure
from .explorer import explorer
from .four_views import four_views_figure
from .groups import groups_figure
from .matrix import matrix_figure
from .overlap import overlap_figure
from .scatter import scatter_figure
from .style import COLORS
from .subpixel import subpixel_figure

__all__ = [
    "COLORS",
    "show_arrays",
    "scatter_figure",
    "direct_figure",
    "matrix_figure",
    "groups_figure",
    "overlap_figure",
    "subpixel_figure",
    "four_views_figure",
    "scatter_animation",
    "direct_animation",
    "explorer",
    "save_gif",
]
