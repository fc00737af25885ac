"""tconv_lib.training: the seeded SGD loop against hand-computed steps, the intervals against scipy."""

import re

import numpy as np
import pytest
import torch
from scipy import stats

from tconv_lib import training


def squared_error(output, target):
    return ((output - target) ** 2).mean()


def linear_model(weight):
    model = torch.nn.Linear(1, 1, bias=False)
    with torch.no_grad():
        model.weight.fill_(weight)
    return model


def test_one_full_batch_step_is_a_plain_gradient_step_with_the_full_learning_rate():
    model = linear_model(1.0)
    x, y = torch.tensor([[1.0], [2.0]]), torch.tensor([[2.0], [6.0]])
    losses = training.train_sgd(
        model, squared_error, x, y, epochs=1, batch_size=2, learning_rate=0.1
    )
    # loss = ((w - 2)^2 + (2w - 6)^2) / 2 = 8.5 at w = 1, gradient (w - 2) + 2 (2w - 6) = -9
    np.testing.assert_allclose(losses, [8.5])
    assert model.weight.item() == pytest.approx(1.0 + 0.1 * 9)


def test_learning_rate_falls_linearly_and_momentum_accumulates():
    # Two epochs of one full-batch step (x = 1, target 0, gradient 2w): w -> w - lr_t v_t
    # with v_0 = g_0, v_1 = 0.5 v_0 + g_1, lr_0 = 0.2 and lr_1 = 0.2 (1 - 1/2) = 0.1.
    model = linear_model(1.0)
    x, y = torch.ones(2, 1), torch.zeros(2, 1)
    training.train_sgd(
        model,
        squared_error,
        x,
        y,
        epochs=2,
        batch_size=2,
        learning_rate=0.2,
        momentum=0.5,
    )
    w = 1.0
    v = 2 * w
    w -= 0.2 * v
    v = 0.5 * v + 2 * w
    w -= 0.1 * v
    assert model.weight.item() == pytest.approx(w)


def test_the_same_seed_repeats_the_run_and_another_seed_changes_the_batch_order():
    torch.manual_seed(0)
    x = torch.randn(40, 3)
    y = x @ torch.tensor([[1.0], [-2.0], [0.5]])

    def run(seed):
        torch.manual_seed(1)  # the same initialisation every time
        model = torch.nn.Linear(3, 1)
        losses = training.train_sgd(
            model,
            squared_error,
            x,
            y,
            epochs=3,
            batch_size=8,
            learning_rate=0.05,
            seed=seed,
        )
        return losses, model.weight.detach().clone()

    (losses_a, weight_a), (losses_b, weight_b) = run(7), run(7)
    losses_c, weight_c = run(8)
    np.testing.assert_array_equal(losses_a, losses_b)
    assert torch.equal(weight_a, weight_b)
    assert not torch.equal(weight_a, weight_c)
    assert losses_a.shape == (3,) and losses_a[-1] < losses_a[0]


def test_training_leaves_the_global_torch_seed_alone():
    model = linear_model(
        0.0
    )  # built first: nn.Linear draws its initial weight from the global seed
    torch.manual_seed(3)
    expected = torch.rand(1)
    torch.manual_seed(3)
    training.train_sgd(
        model,
        squared_error,
        torch.ones(4, 1),
        torch.ones(4, 1),
        epochs=1,
        batch_size=2,
        learning_rate=0.1,
        seed=5,
    )
    assert torch.equal(torch.rand(1), expected)


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        (dict(epochs=0), ValueError, "epochs must be >= 1, got 0"),
        (dict(epochs=1.5), TypeError, "epochs must be an int >= 1, got 1.5"),
        (dict(batch_size=0), ValueError, "batch_size must be >= 1, got 0"),
        (
            dict(learning_rate=0.0),
            ValueError,
            "learning_rate must be > 0, got 0.0",
        ),
        (dict(momentum=1.0), ValueError, "momentum must be in [0, 1), got 1.0"),
        (dict(seed="0"), TypeError, "seed must be an int, got '0'"),
    ],
)
def test_train_sgd_rejects_bad_arguments_by_name(kwargs, error, words):
    arguments = dict(epochs=1, batch_size=2, learning_rate=0.1) | kwargs
    with pytest.raises(error, match=re.escape(words)):
        training.train_sgd(
            linear_model(0.0),
            squared_error,
            torch.ones(4, 1),
            torch.ones(4, 1),
            **arguments,
        )


def test_train_sgd_rejects_inputs_and_targets_of_different_lengths():
    with pytest.raises(ValueError, match="same length, got 4 and 3"):
        training.train_sgd(
            linear_model(0.0),
            squared_error,
            torch.ones(4, 1),
            torch.ones(3, 1),
            epochs=1,
            batch_size=2,
            learning_rate=0.1,
        )


SAMPLES_A = [0.97, 0.98, 0.99, 0.975, 0.985, 0.96]
SAMPLES_B = [0.95, 0.99, 0.97, 0.98, 0.965]


def test_mean_interval_is_scipys_student_t_interval():
    interval = training.mean_interval(SAMPLES_A, confidence=0.9)
    low, high = stats.t.interval(
        0.9,
        len(SAMPLES_A) - 1,
        loc=np.mean(SAMPLES_A),
        scale=stats.sem(SAMPLES_A),
    )
    assert interval.estimate == pytest.approx(np.mean(SAMPLES_A))
    assert (interval.low, interval.high) == pytest.approx((low, high))
    assert interval.half_width == pytest.approx((high - low) / 2)


def test_welch_interval_is_scipys_unequal_variance_interval():
    interval = training.difference_interval(SAMPLES_A, SAMPLES_B)
    expected = stats.ttest_ind(
        SAMPLES_A, SAMPLES_B, equal_var=False
    ).confidence_interval(0.95)
    assert interval.estimate == pytest.approx(
        np.mean(SAMPLES_A) - np.mean(SAMPLES_B)
    )
    assert (interval.low, interval.high) == pytest.approx(
        (expected.low, expected.high)
    )


def test_paired_interval_is_scipys_related_samples_interval():
    a, b = SAMPLES_A[:5], SAMPLES_B
    interval = training.difference_interval(a, b, paired=True)
    expected = stats.ttest_rel(a, b).confidence_interval(0.95)
    assert (interval.low, interval.high) == pytest.approx(
        (expected.low, expected.high)
    )


def test_constant_samples_give_an_exact_difference():
    interval = training.difference_interval([1.0, 1.0], [0.5, 0.5, 0.5])
    assert (interval.estimate, interval.low, interval.high) == (0.5, 0.5, 0.5)


def test_binomial_standard_error_by_hand():
    assert training.binomial_standard_error(0.5, 100) == pytest.approx(0.05)
    assert training.binomial_standard_error(0.98, 450) == pytest.approx(
        np.sqrt(0.98 * 0.02 / 450)
    )
    assert training.binomial_standard_error(1.0, 450) == 0.0


@pytest.mark.parametrize(
    "call, error, words",
    [
        (
            lambda: training.mean_interval([0.9]),
            ValueError,
            "at least 2 values, got shape (1,)",
        ),
        (
            lambda: training.mean_interval([0.9, 0.8], confidence=1.0),
            ValueError,
            "confidence must be in (0, 1), got 1.0",
        ),
        (
            lambda: training.difference_interval([1.0, 2.0], [[1.0, 2.0]]),
            ValueError,
            "b must be a 1-D sequence of at least 2 values, got shape (1, 2)",
        ),
        (
            lambda: training.difference_interval(
                [1.0, 2.0], [1.0, 2.0, 3.0], paired=True
            ),
            ValueError,
            "same length, got 2 and 3",
        ),
        (
            lambda: training.binomial_standard_error(1.2, 10),
            ValueError,
            "accuracy must be in [0, 1], got 1.2",
        ),
        (
            lambda: training.binomial_standard_error(0.5, 0),
            ValueError,
            "n must be >= 1, got 0",
        ),
        (
            lambda: training.binomial_standard_error(0.5, 10.0),
            TypeError,
            "n must be an int >= 1, got 10.0",
        ),
    ],
)
def test_statistics_reject_bad_arguments_by_name(call, error, words):
    with pytest.raises(error, match=re.escape(words)):
        call()
