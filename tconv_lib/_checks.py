"""Old home of the argument checks, kept only for ``tconv_lib/viz.py`` until it imports them
from :mod:`tconv_lib.arguments` and :mod:`tconv_lib.geometry` (delete this file then)."""

from .arguments import per_dimension as as_tuple
from .arguments import real_array as as_real_array
from .geometry import pad_or_crop

__all__ = ["as_real_array", "as_tuple", "pad_or_crop"]
