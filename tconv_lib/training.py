"""Small seeded training runs and the statistics that compare them (chapter 10).

===========================  ===================================================  =======
function                     what                                                 chapter
===========================  ===================================================  =======
``train_sgd``                SGD with momentum, seeded batch order, linear decay  10
``mean_interval``            mean of repeated runs with its Student-t interval    10
``difference_interval``      difference of two means: Welch's or the paired one   10
``binomial_standard_error``  sampling error of an accuracy on a finite test set   10
===========================  ===================================================  =======

``train_sgd`` needs torch (imported when it is called); the statistics need numpy and scipy.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Interval:
    """An estimate with the two ends of its confidence interval."""

    estimate: float
    low: float
    high: float

    @property
    def half_width(self) -> float:
        """Half the interval's length."""
        return (self.high - self.low) / 2


def _positive_int(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int >= 1, got {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be >= 1, got {value}")
    return int(value)


def _confidence(confidence):
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")
    return float(confidence)


def _samples(values, name):
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 1 or len(values) < 2:
        raise ValueError(
            f"{name} must be a 1-D sequence of at least 2 values, got shape {values.shape}"
        )
    return values


def train_sgd(
    model,
    loss_fn,
    inputs,
    targets,
    *,
    epochs,
    batch_size,
    learning_rate,
    momentum=0.9,
    seed=0,
):
    r"""Train ``model`` in place with SGD and momentum; return the mean loss of every epoch.

    Every epoch visits the training set once in an order drawn from ``seed`` (its own
    generator: the global torch seed, which the caller uses to initialise the model, is not
    touched), in batches of ``batch_size`` (the last one may be smaller). The learning rate
    falls linearly from ``learning_rate`` to zero over the :math:`T` steps of the run, so
    that a run ends where it has settled rather than wherever its last full-size step left it:

    .. math::

        \eta_t = \eta \left(1 - \frac{t}{T}\right), \qquad t = 0, 1, \dots, T - 1.

    Parameters
    ----------
    model : torch.nn.Module
        The network; it is put in training mode and its parameters are updated.
    loss_fn : callable
        ``loss_fn(model(batch_inputs), batch_targets)`` returns a scalar tensor.
    inputs : torch.Tensor
        The training inputs, one sample per entry of the first axis.
    targets : torch.Tensor
        The training targets, as many as ``inputs``.
    epochs : int
        Passes over the training set, at least 1.
    batch_size : int
        Samples per step, at least 1.
    learning_rate : float
        The first step's learning rate, positive.
    momentum : float, optional
        SGD momentum in [0, 1); default 0.9.
    seed : int, optional
        Seed of the batch order; default 0.

    Returns
    -------
    numpy.ndarray
        Shape ``(epochs,)``: the training loss of each epoch, averaged over its samples.

    Raises
    ------
    ValueError
        If ``epochs`` or ``batch_size`` is below 1, ``learning_rate`` is not positive,
        ``momentum`` is outside [0, 1), or ``inputs`` and ``targets`` differ in length.
    TypeError
        If ``epochs``, ``batch_size`` or ``seed`` is not an int.

    See Also
    --------
    mean_interval : Summarise the results of runs with several seeds.

    Notes
    -----
    With the same seed, model and data a run repeats bit for bit on the same machine when
    ``torch.use_deterministic_algorithms(True)`` is set; another CPU may round differently
    (chapter 10 measures by how much).

    Examples
    --------
    One step on the whole set is one plain gradient step with the full learning rate: for
    :math:`w = 0` and the loss :math:`(w - 3)^2` the gradient is -6, so :math:`w` becomes 0.6.

    >>> import torch
    >>> model = torch.nn.Linear(1, 1, bias=False)
    >>> _ = torch.nn.init.zeros_(model.weight)
    >>> def loss_fn(output, target):
    ...     return ((output - target) ** 2).mean()
    >>> x, y = torch.ones(4, 1), torch.full((4, 1), 3.0)
    >>> losses = train_sgd(
    ...     model, loss_fn, x, y, epochs=1, batch_size=4, learning_rate=0.1
    ... )
    >>> losses, round(model.weight.item(), 6)
    (array([9.]), 0.6)
    """
    import torch

    epochs = _positive_int(epochs, "epochs")
    batch_size = _positive_int(batch_size, "batch_size")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be an int, got {seed!r}")
    if not learning_rate > 0:
        raise ValueError(f"learning_rate must be > 0, got {learning_rate!r}")
    if not 0 <= momentum < 1:
        raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
    if len(inputs) != len(targets):
        raise ValueError(
            f"inputs and targets must have the same length, got {len(inputs)} and {len(targets)}"
        )
    n = len(inputs)
    steps_per_epoch = -(-n // batch_size)
    total_steps = epochs * steps_per_epoch
    optimizer = torch.optim.SGD(
        model.parameters(), lr=learning_rate, momentum=momentum
    )
    order = torch.Generator().manual_seed(int(seed))
    losses = np.zeros(epochs)
    step = 0
    model.train()
    for epoch in range(epochs):
        permutation = torch.randperm(n, generator=order)
        for start in range(0, n, batch_size):
            batch = permutation[start : start + batch_size]
            for group in optimizer.param_groups:
                group["lr"] = learning_rate * (1 - step / total_steps)
            optimizer.zero_grad()
            loss = loss_fn(model(inputs[batch]), targets[batch])
            loss.backward()
            optimizer.step()
            losses[epoch] += loss.item() * len(batch)
            step += 1
    return losses / n


def mean_interval(values, confidence=0.95):
    r"""The mean of repeated measurements with its Student-t confidence interval.

    For :math:`n` values with mean :math:`\bar x` and sample standard deviation :math:`s`
    (``ddof=1``):

    .. math::

        \bar x \pm t_{(1 + c)/2,\, n - 1} \, \frac{s}{\sqrt n}.

    Parameters
    ----------
    values : array_like
        1-D, at least 2 values (for example one test accuracy per seed).
    confidence : float, optional
        Confidence level c in (0, 1); default 0.95.

    Returns
    -------
    Interval
        The mean and the interval's ends.

    Raises
    ------
    ValueError
        If ``values`` is not 1-D with at least 2 values, or ``confidence`` is outside (0, 1).

    See Also
    --------
    difference_interval : The interval of a difference of two means.

    Examples
    --------
    Three values 1, 2, 3 have mean 2 and standard deviation 1; with 2 degrees of freedom
    :math:`t_{0.975} = 4.303`, so the interval is :math:`2 \pm 4.303/\sqrt 3`:

    >>> interval = mean_interval([1.0, 2.0, 3.0])
    >>> [round(v, 3) for v in (interval.estimate, interval.low, interval.high)]
    [2.0, -0.484, 4.484]
    """
    from scipy import stats

    values = _samples(values, "values")
    confidence = _confidence(confidence)
    n = len(values)
    half = (
        stats.t.ppf((1 + confidence) / 2, n - 1)
        * values.std(ddof=1)
        / np.sqrt(n)
    )
    mean = float(values.mean())
    return Interval(mean, float(mean - half), float(mean + half))


def difference_interval(a, b, confidence=0.95, paired=False):
    r"""The difference of two means, ``mean(a) - mean(b)``, with its confidence interval.

    Unpaired (the default), Welch's interval: the two samples may have different
    variances and sizes, and the degrees of freedom :math:`\nu` follow Welch-Satterthwaite,

    .. math::

        \bar a - \bar b \pm t_{(1 + c)/2,\, \nu} \sqrt{\frac{s_a^2}{n_a} + \frac{s_b^2}{n_b}},
        \qquad
        \nu = \frac{(s_a^2/n_a + s_b^2/n_b)^2}
                   {\frac{(s_a^2/n_a)^2}{n_a - 1} + \frac{(s_b^2/n_b)^2}{n_b - 1}}.

    Paired, the Student-t interval of the differences :math:`a_i - b_i`. Pairing narrows
    the interval only when the pairs are positively correlated (they share something that
    moves both results); for independent pairs it gives no gain and fewer degrees of freedom.

    Parameters
    ----------
    a : array_like
        1-D, at least 2 values.
    b : array_like
        1-D, at least 2 values; as many as ``a`` when ``paired``.
    confidence : float, optional
        Confidence level c in (0, 1); default 0.95.
    paired : bool, optional
        Whether ``a[i]`` and ``b[i]`` belong together; default False.

    Returns
    -------
    Interval
        The difference of the means and the interval's ends.

    Raises
    ------
    ValueError
        If a sample is not 1-D with at least 2 values, ``confidence`` is outside (0, 1), or
        ``paired`` samples differ in length.

    See Also
    --------
    mean_interval : The interval of one mean.

    Examples
    --------
    Two samples with means 2 and 5 and equal spread: the difference is -3, and 0 is far
    outside its interval.

    >>> interval = difference_interval([1.0, 2.0, 3.0], [4.0, 5.0, 6.0])
    >>> [round(v, 3) for v in (interval.estimate, interval.low, interval.high)]
    [-3.0, -5.267, -0.733]

    Paired, the same numbers differ by exactly -3 in every pair: no spread at all.

    >>> a, b = [1.0, 2.0, 3.0], [4.0, 5.0, 6.0]
    >>> interval = difference_interval(a, b, paired=True)
    >>> interval.low, interval.high
    (-3.0, -3.0)
    """
    from scipy import stats

    a, b = _samples(a, "a"), _samples(b, "b")
    confidence = _confidence(confidence)
    quantile = (1 + confidence) / 2
    if paired:
        if len(a) != len(b):
            raise ValueError(
                f"paired samples must have the same length, got {len(a)} and {len(b)}"
            )
        return mean_interval(a - b, confidence)
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    difference = float(a.mean() - b.mean())
    if va + vb == 0:  # both samples constant: the difference is exact
        return Interval(difference, difference, difference)
    dof = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    half = stats.t.ppf(quantile, dof) * np.sqrt(va + vb)
    return Interval(
        difference, float(difference - half), float(difference + half)
    )


def binomial_standard_error(accuracy, n):
    r"""The standard error of an accuracy measured on ``n`` independent test samples.

    A classifier whose true accuracy is :math:`p` gets a binomial number of its :math:`n`
    test samples right, so the measured accuracy varies from one test set to another by

    .. math::

        \sqrt{\frac{p (1 - p)}{n}}.

    It does not shrink with more training runs: every run is scored on the same test set.

    Parameters
    ----------
    accuracy : float
        The accuracy p in [0, 1].
    n : int
        Number of test samples, at least 1.

    Returns
    -------
    float
        The standard error.

    Raises
    ------
    ValueError
        If ``accuracy`` is outside [0, 1] or ``n`` is below 1.
    TypeError
        If ``n`` is not an int.

    Examples
    --------
    A coin-flip classifier on 100 samples: 0.5 plus or minus 0.05.

    >>> binomial_standard_error(0.5, 100)
    0.05
    """
    n = _positive_int(n, "n")
    if not 0 <= accuracy <= 1:
        raise ValueError(f"accuracy must be in [0, 1], got {accuracy!r}")
    return float(np.sqrt(accuracy * (1 - accuracy) / n))
