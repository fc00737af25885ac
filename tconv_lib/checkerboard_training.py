"""A small decoder trained with five kinds of 2x upsampling, and the checkerboard of its outputs.

==================  ==========================================================  =======
function            what                                                        chapter
==================  ==========================================================  =======
``upsampler``       one 2x upsampling layer of a named kind                     07
``decoder``         code -> 4x4 -> 8x8 -> 16x16 image, seeded initialisation    07
``train_decoder``   Adam on squared error; checkerboard energy at checkpoints   07
==================  ==========================================================  =======

This module needs torch (``import tconv_lib`` alone does not load it).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from .upsampling import checkerboard_energy, icnr_weight

UPSAMPLERS = (
    "tconv k=3",
    "tconv k=4",
    "nearest + conv",
    "bilinear + conv",
    "sub-pixel + ICNR",
)


def upsampler(kind, c_in, c_out):
    r"""One layer that doubles the height and width, of a named kind.

    Parameters
    ----------
    kind : str
        One of ``UPSAMPLERS``.
    c_in : int
        Input channels, at least 1.
    c_out : int
        Output channels, at least 1.

    Returns
    -------
    torch.nn.Module
        Maps ``(N, c_in, H, W)`` to ``(N, c_out, 2H, 2W)``, in float32.

    Raises
    ------
    ValueError
        If ``kind`` is not one of ``UPSAMPLERS`` or a channel count is below 1.
    TypeError
        If a channel count is not an int.

    See Also
    --------
    decoder : Two of these after a small fully connected part.
    tconv_lib.icnr_weight : The sub-pixel layer's initialisation.

    Notes
    -----
    The five kinds, all with 3x3 or 4x4 kernels and the same output size:

    - ``"tconv k=3"``: ``ConvTranspose2d(k=3, s=2, padding=1, output_padding=1)``, uneven
      overlap (chapter 07);
    - ``"tconv k=4"``: ``ConvTranspose2d(k=4, s=2, padding=1)``, even overlap;
    - ``"nearest + conv"``, ``"bilinear + conv"``: ``Upsample(scale_factor=2)`` then
      ``Conv2d(k=3, padding=1)`` (resize-convolution);
    - ``"sub-pixel + ICNR"``: ``Conv2d(k=3, padding=1)`` to :math:`4 c_{out}` channels, then
      ``PixelShuffle(2)``, its weight set by ICNR so that it starts as nearest-neighbour
      resize of a convolution (chapter 08):

    .. math::

        W[4c + \varphi] = w[c], \qquad \varphi = 0, 1, 2, 3.

    PyTorch's default initialisation draws every weight; the caller seeds it.

    Examples
    --------
    Every kind doubles a 4x4 map:

    >>> import torch
    >>> x = torch.zeros(1, 3, 4, 4)
    >>> [tuple(upsampler(kind, 3, 2)(x).shape) for kind in UPSAMPLERS[:2]]
    [(1, 2, 8, 8), (1, 2, 8, 8)]

    The sub-pixel layer starts as a nearest-neighbour resize: each 2x2 block is constant.

    >>> y = upsampler("sub-pixel + ICNR", 3, 1)(torch.rand(1, 3, 4, 4))[0, 0]
    >>> bool((y[0::2, 0::2] == y[1::2, 1::2]).all())
    True
    """
    c_in = _positive_int(c_in, "c_in")
    c_out = _positive_int(c_out, "c_out")
    if kind == "tconv k=3":
        return nn.ConvTranspose2d(
            c_in, c_out, 3, stride=2, padding=1, output_padding=1
        )
    if kind == "tconv k=4":
        return nn.ConvTranspose2d(c_in, c_out, 4, stride=2, padding=1)
    if kind in ("nearest + conv", "bilinear + conv"):
        mode = kind.split()[0]
        return nn.Sequential(
            nn.Upsample(scale_factor=2, mode=mode),
            nn.Conv2d(c_in, c_out, 3, padding=1),
        )
    if kind == "sub-pixel + ICNR":
        conv = nn.Conv2d(c_in, 4 * c_out, 3, padding=1)
        with torch.no_grad():
            # ICNR: draw c_out kernels as Conv2d would, repeat each for the 4 phases
            # (biases too), so every 2x2 block of the shuffled output starts constant
            small = nn.Conv2d(c_in, c_out, 3, padding=1)
            conv.weight.copy_(
                torch.from_numpy(icnr_weight(small.weight.numpy(), 2))
            )
            conv.bias.copy_(small.bias.repeat_interleave(4))
        return nn.Sequential(conv, nn.PixelShuffle(2))
    raise ValueError(f"kind must be one of {UPSAMPLERS}, got {kind!r}")


def decoder(kind, seed, code_size=32, channels=16):
    r"""An 8x8 image -> code -> 16x16 image network whose two upsamplings are of one kind.

    Parameters
    ----------
    kind : str
        The upsampling layers' kind, one of ``UPSAMPLERS``.
    seed : int
        Seed of the initialisation (``torch.manual_seed``).
    code_size : int, optional
        Numbers in the code between the encoder and the decoder, at least 1; default 32.
    channels : int, optional
        Channels of the 4x4 and 8x8 feature maps, at least 1; default 16.

    Returns
    -------
    torch.nn.Sequential
        Maps ``(N, 1, 8, 8)`` to ``(N, 1, 16, 16)``.

    Raises
    ------
    ValueError
        If ``kind`` is unknown or a size is below 1.
    TypeError
        If ``seed``, ``code_size`` or ``channels`` is not an int.

    See Also
    --------
    upsampler : The layer that differs between the kinds.
    train_decoder : Trains it.

    Notes
    -----
    The layers: flatten, ``Linear(64, code_size)``, ReLU, ``Linear(code_size, 16 C)``,
    ReLU, reshape to :math:`C \times 4 \times 4`, upsampler to :math:`C` channels, ReLU,
    upsampler to 1 channel (the image, no activation). The accumulated stride of the two
    upsamplings is

    .. math::

        s = 2 \cdot 2 = 4.

    Examples
    --------
    The same seed gives the same network:

    >>> import torch
    >>> a, b = (decoder("tconv k=3", seed=1) for _ in range(2))
    >>> x = torch.rand(2, 1, 8, 8)
    >>> tuple(a(x).shape), bool(torch.equal(a(x), b(x)))
    ((2, 1, 16, 16), True)
    """
    seed = _int(seed, "seed")
    code_size = _positive_int(code_size, "code_size")
    channels = _positive_int(channels, "channels")
    if kind not in UPSAMPLERS:
        raise ValueError(f"kind must be one of {UPSAMPLERS}, got {kind!r}")
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(64, code_size),
        nn.ReLU(),
        nn.Linear(code_size, channels * 16),
        nn.ReLU(),
        nn.Unflatten(1, (channels, 4, 4)),
        upsampler(kind, channels, channels),
        nn.ReLU(),
        upsampler(kind, channels, 1),
    )


@dataclass(frozen=True)
class TrainingRecord:
    """What one training run left: the checkerboard and the error through training."""

    # (checkpoints,): the optimiser steps taken at each checkpoint
    steps: np.ndarray
    # (checkpoints,): E_2 of the probe outputs there
    energies: np.ndarray
    # (checkpoints,): the mean squared error on the probe there
    errors: np.ndarray
    # (N, 16, 16): the probe outputs after the last step
    outputs: np.ndarray


def train_decoder(
    model,
    inputs,
    targets,
    probe_inputs,
    probe_targets,
    *,
    epochs,
    batch_size=64,
    learning_rate=3e-3,
    seed=0,
    checkpoints=8,
    pooled_loss=False,
):
    r"""Train ``model`` in place with Adam on squared error, measuring its checkerboard.

    Parameters
    ----------
    model : torch.nn.Module
        A network such as ``decoder(...)``; its parameters are updated.
    inputs : torch.Tensor
        Training inputs ``(N, 1, 8, 8)``.
    targets : torch.Tensor
        Training targets ``(N, 1, 16, 16)``, or ``(N, 1, 8, 8)`` with ``pooled_loss``.
    probe_inputs : torch.Tensor
        Inputs of the images measured at every checkpoint (held out).
    probe_targets : torch.Tensor
        Their targets.
    epochs : int
        Passes over the training set, at least 1.
    batch_size : int, optional
        Samples per step, at least 1; default 64.
    learning_rate : float, optional
        Adam's learning rate, positive; default 3e-3.
    seed : int, optional
        Seed of the batch order (its own generator); default 0.
    checkpoints : int, optional
        Measurements: step 0 and log-spaced steps from 1 to the last, at least 3; default 8.
    pooled_loss : bool, optional
        If true, compare the output's 2x2 averages with targets of half its size; default False.

    Returns
    -------
    TrainingRecord
        Steps, :math:`E_2` and mean squared error of the probe at each checkpoint, and the
        probe outputs at the end.

    Raises
    ------
    ValueError
        If a count is below its minimum, ``learning_rate`` is not positive, or inputs and
        targets differ in length.
    TypeError
        If ``epochs``, ``batch_size``, ``seed`` or ``checkpoints`` is not an int, or
        ``pooled_loss`` is not a bool.

    See Also
    --------
    tconv_lib.checkerboard_energy : The measure.
    tconv_lib.training.train_sgd : The SGD loop of chapter 10.

    Notes
    -----
    At each checkpoint the probe outputs :math:`y` (in float64) give

    .. math::

        E_2(y) = \frac{\lVert P(y - \bar y)\rVert^2}{\lVert y - \bar y\rVert^2},

    pooled over the probe images: the share of their variation that repeats every 2
    pixels (chapter 07). A 2x2 average is blind to exactly that share: it maps every
    period-2 pattern with zero mean to 0, so with ``pooled_loss`` the loss never sees the
    checkerboard and whatever the network makes of it is left as it is.

    The checkpoints after step 0 are ``geomspace(1, T, checkpoints - 1)`` rounded to whole
    steps (:math:`T` the number of steps), so a short run may have fewer than asked for.

    Examples
    --------
    A constant target is learnt in 20 steps (one batch of 32 per epoch), measured at steps
    0, 1 and 20:

    >>> import torch
    >>> x, y = torch.rand(32, 1, 8, 8), torch.full((32, 1, 16, 16), 0.5)
    >>> model = decoder("nearest + conv", seed=0)
    >>> record = train_decoder(model, x, y, x, y, epochs=20, checkpoints=3)
    >>> record.steps.tolist(), bool(record.errors[-1] < record.errors[0])
    ([0, 1, 20], True)
    """
    epochs = _positive_int(epochs, "epochs")
    batch_size = _positive_int(batch_size, "batch_size")
    checkpoints = _positive_int(checkpoints, "checkpoints")
    seed = _int(seed, "seed")
    if checkpoints < 3:
        raise ValueError(f"checkpoints must be >= 3, got {checkpoints}")
    if not learning_rate > 0:
        raise ValueError(f"learning_rate must be > 0, got {learning_rate!r}")
    for name, x, y in (
        ("inputs", inputs, targets),
        ("probe_inputs", probe_inputs, probe_targets),
    ):
        if len(x) != len(y):
            raise ValueError(
                f"{name} has {len(x)} samples but its targets have {len(y)}"
            )
    if not isinstance(pooled_loss, bool):
        raise TypeError(f"pooled_loss must be a bool, got {pooled_loss!r}")
    order = torch.Generator().manual_seed(seed)
    optimiser = torch.optim.Adam(model.parameters(), lr=learning_rate)

    def seen(output):
        # what the loss compares with the targets
        return nn.functional.avg_pool2d(output, 2) if pooled_loss else output

    steps_per_epoch = -(-len(inputs) // batch_size)
    total = epochs * steps_per_epoch
    # log-spaced: the grid changes fastest in the first steps
    measure_at = set(
        np.geomspace(1, total, checkpoints - 1).round().astype(int)
    )
    steps, energies, errors = [], [], []

    def measure(step):
        model.eval()
        with torch.no_grad():
            out = model(probe_inputs)
        model.train()
        steps.append(step)
        energies.append(checkerboard_energy(out.double().numpy(), 2))
        errors.append(float(((seen(out) - probe_targets) ** 2).mean()))
        return out

    step = 0
    measure(step)
    for _ in range(epochs):
        permutation = torch.randperm(len(inputs), generator=order)
        for start in range(0, len(inputs), batch_size):
            batch = permutation[start : start + batch_size]
            loss = ((seen(model(inputs[batch])) - targets[batch]) ** 2).mean()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            step += 1
            if step in measure_at and step < total:
                measure(step)
    out = measure(step)
    return TrainingRecord(
        np.array(steps),
        np.array(energies),
        np.array(errors),
        out[:, 0].double().numpy(),
    )


def _int(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {value!r}")
    return int(value)


def _positive_int(value, name):
    value = _int(value, name)
    if value < 1:
        raise ValueError(f"{name} must be >= 1, got {value}")
    return value
