"""tconv_lib.checkerboard_training: the five upsamplers, the decoder and its training loop."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import tconv_lib as tl
from tconv_lib import checkerboard_training as ct


def interior(a, margin):
    return a[..., margin:-margin, margin:-margin]


@pytest.mark.parametrize("kind", ct.UPSAMPLERS)
def test_every_upsampler_doubles_height_and_width(kind):
    layer = ct.upsampler(kind, 3, 2)
    assert tuple(layer(torch.zeros(2, 3, 5, 4)).shape) == (2, 2, 10, 8)


def test_k3_transposed_convolution_makes_a_pure_grid_from_a_constant_input():
    torch.manual_seed(0)
    layer = ct.upsampler("tconv k=3", 1, 1).double()
    with torch.no_grad():
        y = layer(torch.ones(1, 1, 8, 8, dtype=torch.float64))[0, 0].numpy()
    assert tl.checkerboard_energy(interior(y, 2), 2) == pytest.approx(1.0)


@pytest.mark.parametrize("kind", ["nearest + conv", "bilinear + conv"])
def test_resize_convolution_keeps_a_constant_input_flat(kind):
    torch.manual_seed(0)
    layer = ct.upsampler(kind, 1, 1).double()
    with torch.no_grad():
        y = layer(torch.ones(1, 1, 8, 8, dtype=torch.float64))[0, 0].numpy()
    inner = interior(y, 2)
    assert np.ptp(inner) < 1e-12 and tl.checkerboard_energy(inner, 2) == 0.0


def test_icnr_sub_pixel_layer_starts_as_nearest_resize_of_its_first_kernels():
    torch.manual_seed(0)
    conv, shuffle = ct.upsampler("sub-pixel + ICNR", 3, 2)
    x = torch.rand(1, 3, 5, 5)
    with torch.no_grad():
        y = shuffle(conv(x))
        small = F.conv2d(x, conv.weight[::4], conv.bias[::4], padding=1)
    torch.testing.assert_close(y, F.interpolate(small, scale_factor=2))


def test_unknown_upsampler_kind_is_named_in_the_error():
    with pytest.raises(ValueError, match="'deconv'"):
        ct.upsampler("deconv", 1, 1)


@pytest.mark.parametrize("c_in, error", [(0, ValueError), (1.5, TypeError)])
def test_bad_channel_count_is_refused(c_in, error):
    with pytest.raises(error, match="c_in"):
        ct.upsampler("tconv k=4", c_in, 1)


def test_decoder_maps_8x8_to_16x16_and_repeats_with_its_seed():
    x = torch.rand(3, 1, 8, 8)
    a, b, c = (ct.decoder("bilinear + conv", seed) for seed in (1, 1, 2))
    assert tuple(a(x).shape) == (3, 1, 16, 16)
    assert torch.equal(a(x), b(x)) and not torch.equal(a(x), c(x))


@pytest.mark.parametrize(
    "kwargs, error, name",
    [
        ({"kind": "box"}, ValueError, "kind"),
        ({"seed": True}, TypeError, "seed"),
        ({"code_size": 0}, ValueError, "code_size"),
        ({"channels": "8"}, TypeError, "channels"),
    ],
)
def test_decoder_refuses_bad_arguments(kwargs, error, name):
    arguments = {"kind": "tconv k=3", "seed": 0} | kwargs
    with pytest.raises(error, match=name):
        ct.decoder(**arguments)


def small_data(n=32, seed=0):
    generator = torch.Generator().manual_seed(seed)
    x = torch.rand(n, 1, 8, 8, generator=generator)
    return x, F.interpolate(x, scale_factor=2, mode="bicubic")


def test_checkpoints_are_step_0_and_log_spaced_steps_up_to_the_last():
    x, y = small_data()
    model = ct.decoder("tconv k=4", 0)
    # 32 samples in batches of 16: 2 steps per epoch, 8 in all;
    # geomspace(1, 8, 3) = 1, 2.83, 8
    record = ct.train_decoder(
        model, x, y, x, y, epochs=4, batch_size=16, checkpoints=4
    )
    assert record.steps.tolist() == [0, 1, 3, 8]
    assert record.energies.shape == record.errors.shape == (4,)
    assert record.outputs.shape == (32, 16, 16)


def test_step_0_measures_the_untrained_network():
    x, y = small_data()
    model = ct.decoder("tconv k=3", 0)
    with torch.no_grad():
        before = model(x)
    record = ct.train_decoder(model, x, y, x, y, epochs=1, checkpoints=3)
    expected = tl.checkerboard_energy(before.double().numpy(), 2)
    assert record.energies[0] == pytest.approx(expected, rel=1e-12)
    assert record.errors[0] == pytest.approx(float(((before - y) ** 2).mean()))


def test_pooled_loss_compares_2x2_averages_with_half_size_targets():
    x, _ = small_data()
    model = ct.decoder("nearest + conv", 0)
    with torch.no_grad():
        seen = F.avg_pool2d(model(x), 2)
    record = ct.train_decoder(
        model, x, x, x, x, epochs=1, checkpoints=3, pooled_loss=True
    )
    assert record.errors[0] == pytest.approx(float(((seen - x) ** 2).mean()))


def last_layer_copies_spread(model):
    conv = [m for m in model.modules() if isinstance(m, torch.nn.Conv2d)][-1]
    w = conv.weight.detach().reshape(-1, 4, *conv.weight.shape[1:])
    return float((w - w[:, :1]).abs().max())


def test_pooled_loss_keeps_the_icnr_copies_of_the_last_layer_tied():
    # a 2x2 average gives the 4 pixels of a block the same gradient, so the
    # 4 copies of the last layer's kernels get the same updates; a pixel loss
    # treats the pixels differently and unties them
    x, y = small_data()
    pooled = ct.decoder("sub-pixel + ICNR", 0)
    pixel = ct.decoder("sub-pixel + ICNR", 0)
    record = ct.train_decoder(pooled, x, x, x, x, epochs=5, pooled_loss=True)
    ct.train_decoder(pixel, x, y, x, y, epochs=5)
    assert last_layer_copies_spread(pooled) < 1e-6
    assert last_layer_copies_spread(pixel) > 1e-4
    assert record.energies.max() < 1e-6


def test_training_lowers_the_error():
    x, y = small_data()
    record = ct.train_decoder(ct.decoder("tconv k=3", 0), x, y, x, y, epochs=10)
    assert record.errors[-1] < 0.5 * record.errors[0]


@pytest.mark.parametrize(
    "kwargs, error, name",
    [
        ({"epochs": 0}, ValueError, "epochs"),
        ({"batch_size": 2.0}, TypeError, "batch_size"),
        ({"checkpoints": 2}, ValueError, "checkpoints"),
        ({"learning_rate": 0.0}, ValueError, "learning_rate"),
        ({"seed": None}, TypeError, "seed"),
        ({"pooled_loss": 1}, TypeError, "pooled_loss"),
    ],
)
def test_train_decoder_refuses_bad_arguments(kwargs, error, name):
    x, y = small_data(4)
    arguments = {"epochs": 1} | kwargs
    with pytest.raises(error, match=name):
        ct.train_decoder(ct.decoder("tconv k=3", 0), x, y, x, y, **arguments)


def test_train_decoder_refuses_targets_of_another_length():
    x, y = small_data(4)
    with pytest.raises(ValueError, match="probe_inputs has 4 samples"):
        ct.train_decoder(ct.decoder("tconv k=3", 0), x, y, x, y[:3], epochs=1)
