"""``show_arrays``: small arrays side by side as labelled grids of cells."""

from __future__ import annotations

import numpy as np

from ..arguments import real_array
from ..memory import MEMORY_BUDGET
from .board import Board, check_cell_count, new_figure
from .style import (
    COLORS,
    HATCH,
    LABEL_PT,
    MUTED,
    ROLES,
    as_2d,
    shape_text,
)


def crop_masks(cropped, arrays, grids):
    """One boolean mask per grid (all False when not given), checked against its array."""
    if cropped is None:
        return [np.zeros(g.shape, bool) for g in grids]
    if len(cropped) != len(grids):
        raise ValueError(
            f"cropped has {len(cropped)} entries for {len(grids)} arrays"
        )
    masks = []
    for i, (mask, grid) in enumerate(zip(cropped, grids)):
        if mask is None:
            masks.append(np.zeros(grid.shape, bool))
            continue
        mask = np.asarray(mask)
        if mask.dtype != bool or mask.shape != np.shape(arrays[i]):
            raise ValueError(
                f"cropped[{i}] must be a boolean mask of shape "
                f"{np.shape(arrays[i])}; got {mask.dtype} of shape {mask.shape}"
            )
        masks.append(as_2d(mask))
    return masks


def show_arrays(
    arrays,
    titles=None,
    show_values=True,
    roles=None,
    *,
    cropped=None,
    memory_budget=MEMORY_BUDGET,
):
    """Small arrays side by side as labelled grids of cells.

    Each array (1-D or 2-D) is drawn as a grid with its numbers in the cells (ints when
    integral), its title above and its shape below, coloured with the course palette by its
    role. Used for tiny hand-checkable examples in chapters 00, 01, 05 and 06.

    Parameters
    ----------
    arrays : sequence of array_like
        1-D or 2-D arrays to draw left to right (a single array is accepted too).
    titles : sequence of str, optional
        One title per array, drawn above it (mathtext allowed).
    show_values : bool, optional
        Write the numbers in the cells (left out when the cells are too small).
    roles : sequence of str, optional
        One role per array (its colours): input, kernel, output, padding, zero or cropped.
    cropped : sequence of array_like of bool, optional
        One mask (or None) per array, of the array's shape: True cells are hatched as cropped.
    memory_budget : int, optional
        Bytes the figure may use (default ``tconv_lib.MEMORY_BUDGET``).

    Returns
    -------
    matplotlib.figure.Figure
        One Axes; the numbers of array ``i`` are Text artists with gid ``"array{i}-value:r,c"``,
        its cropped cells Rectangles with gid ``"array{i}-cropped:r,c"``.

    Raises
    ------
    TypeError
        If an array does not hold real numbers.
    ValueError
        If an array is not 1-D or 2-D, ``titles``, ``roles`` or ``cropped`` has the wrong
        length, a role is unknown, a mask's shape is not its array's, or the cells would need more than ``memory_budget`` bytes.

    See Also
    --------
    scatter_figure : the arrays of a transposed convolution and how they combine.

    Examples
    --------
    The numbers written in the second grid are the kernel's:

    >>> from tconv_lib import viz
    >>> x, w = [[0, 1], [2, 3]], [[4, 7], [2, 2]]
    >>> fig = viz.show_arrays([x, w], titles=["x", "w"])
    >>> sorted(t.get_text() for t in fig.axes[0].texts
    ...        if (t.get_gid() or "").startswith("array1-value"))
    ['2', '2', '4', '7']

    A mask hatches the cells a crop removes, here the last column:

    >>> keep = [[False, True], [False, True]]
    >>> fig = viz.show_arrays([x], cropped=[keep])
    >>> len([p for p in fig.axes[0].patches
    ...      if (p.get_gid() or "").startswith("array0-cropped")])
    2
    """
    one_array = isinstance(arrays, np.ndarray) or (
        isinstance(arrays, (list, tuple))
        and len(arrays)
        and np.ndim(arrays[0]) == 0
    )
    if one_array:
        arrays = [arrays]
    grids = []
    for i, array in enumerate(arrays):
        array = real_array(array, f"arrays[{i}]")
        if array.ndim not in (1, 2):
            raise ValueError(
                f"show_arrays draws 1-D and 2-D arrays; arrays[{i}] has shape {array.shape}"
            )
        grids.append(as_2d(array))
    count = len(grids)
    if titles is not None and len(titles) != count:
        raise ValueError(f"titles has {len(titles)} entries for {count} arrays")
    if roles is None:
        roles = (
            ["input"]
            + ["kernel"] * max(count - 2, 0)
            + (["output"] if count > 1 else [])
        )
    if len(roles) != count:
        raise ValueError(f"roles has {len(roles)} entries for {count} arrays")
    for role in roles:
        if role not in ROLES:
            raise ValueError(f"role {role!r} is not one of {', '.join(ROLES)}")
    masks = crop_masks(cropped, arrays, grids)
    what = f"arrays of shapes {[g.shape for g in grids]}"
    check_cell_count(sum(g.size for g in grids), what, memory_budget)
    gap, top = 1.4, (1.4 if titles is not None else 0.2)
    width = sum(g.shape[1] for g in grids) + gap * (count - 1)
    height = top + max(g.shape[0] for g in grids) + 1.0
    fig, ax = new_figure(width, height)
    board = Board(ax, width, height)
    left = 0.0
    for i, (grid, role) in enumerate(zip(grids, roles)):
        centre = left + grid.shape[1] / 2
        if titles is not None:
            board.title(centre, top - 0.25, titles[i])
        board.grid(grid, left, top, role, show_values, gid=f"array{i}")
        for r, c in np.argwhere(masks[i]):
            board.cell(
                left + c,
                top + r,
                "none",
                edge=COLORS["cropped"],
                lw=1.2,
                hatch=HATCH["cropped"],
                hatchcolor=COLORS["cropped"],
                gid=f"array{i}-cropped:{r},{c}",
                z=2,
            )
        shape = np.shape(np.asarray(arrays[i]))
        size = board.text_size(LABEL_PT)
        board.text(
            centre,
            top + grid.shape[0] + 0.45,
            shape_text(shape),
            size=size,
            color=MUTED,
        )
        left += grid.shape[1] + gap
    return fig
