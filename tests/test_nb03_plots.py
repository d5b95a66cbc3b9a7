"""Notebook 03's figures: what they draw is checked against oracles and published numbers."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402
from oracles import reachable_inputs  # noqa: E402

from helpers import Layer, alexnet, context_module, plots, resnet50, vgg16  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def squares(ax, **match):
    """Unfilled rectangles drawn on ``ax`` as (x, y, width, height)."""
    return [
        (p.get_x(), p.get_y(), p.get_width(), p.get_height())
        for p in ax.patches
        if isinstance(p, Rectangle) and not p.get_fill()
        and all(np.allclose(getattr(p, f"get_{k}")(), v) for k, v in match.items())
    ]


def span(layers, u=0, n=None):
    coords = reachable_inputs(layers, u, n)
    return min(coords), max(coords) - min(coords) + 1


# --------------------------------------------------------------------------- synthetic_scene


def test_synthetic_scene_is_seeded_and_in_range():
    a, b, c = plots.synthetic_scene(48, seed=4), plots.synthetic_scene(48, seed=4), plots.synthetic_scene(48, seed=5)
    assert a.shape == (48, 48) and a.min() >= 0 and a.max() <= 1
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert a.std() > 0.1  # a scene with contrast, not a flat grey


@pytest.mark.parametrize(
    "call, exc, words",
    [
        (lambda: plots.synthetic_scene(4), ValueError, "size must be an integer >= 8"),
        (lambda: plots.synthetic_scene(16, seed=-1), ValueError, "seed must be an integer >= 0"),
        (lambda: plots.rf_growth({}), TypeError, "stacks must be a non-empty dict"),
        (lambda: plots.rf_growth({"empty": []}), ValueError, "stacks['empty'] must contain at least one Layer"),
        (lambda: plots.rf_growth({"bad": [3]}), TypeError, "layers[0] must be a Layer"),
        (lambda: plots.network_rf({"vgg": vgg16()}, input_size=0), ValueError, "input_size"),
        (lambda: plots.erf_vs_theoretical([Layer(9)], size=4), ValueError, "kernel does not fit"),
        (lambda: plots.erf_ratio([]), ValueError, "at least one depth"),
        (lambda: plots.erf_ratio([1, 0]), ValueError, "depths[1] must be an integer >= 1"),
        (lambda: plots.erf_ratio([1], kernel=4), ValueError, "kernel must be odd"),
        (lambda: plots.rf_stack_figure([], size=32), ValueError, "at least one Layer"),
        (lambda: plots.rf_stack_figure([Layer(3)], size=32, weights="ones"), ValueError, "weights must be one of"),
        (lambda: plots.rf_stack_report([Layer(3)], size=4), ValueError, "size must be an integer >= 8"),
    ],
)
def test_errors(call, exc, words):
    with pytest.raises(exc) as info:
        call()
    assert words in str(info.value)


# --------------------------------------------------------------------------- growth and networks


def test_rf_growth_draws_context_module_numbers_of_yu_koltun():
    # Yu & Koltun 2016, context module: receptive fields 3, 5, 9, 17, 33, 65, 67, 67
    fig = plots.rf_growth({"context": context_module()})
    for ax in fig.axes:
        assert ax.lines[0].get_ydata().tolist() == [3, 5, 9, 17, 33, 65, 67, 67]
    assert fig.axes[1].get_yscale() == "log"


def test_rf_growth_wavenet_blocks_and_boundaries():
    # van den Oord et al. 2016: width 2, dilations 1..512 -> 1024 per block; repeated blocks add 1023 each
    wavenet = [Layer(2, dilation=2**i) for i in range(10)] * 3
    fig = plots.rf_growth({"wavenet": wavenet}, boundaries=(10, 20), linear_ymax=5000)
    r = fig.axes[0].lines[0].get_ydata()
    assert (r[9], r[19], r[29]) == (1024, 1024 + 1023, 1024 + 2 * 1023)
    assert [line.get_xdata()[0] for line in fig.axes[0].lines[1:]] == [10.5, 20.5]
    assert fig.axes[0].get_ylim() == (0, 5000)


def test_rf_growth_keeps_identical_curves_visible():
    # stride 2 every layer and dilations doubling give the same r (2^(l+1) - 1) — both must stay visible
    strided = [Layer(3, stride=2, padding=1)] * 5
    doubling = [Layer(3, dilation=2**i, padding=2**i) for i in range(5)]
    fig = plots.rf_growth({"strided": strided, "doubling": doubling})
    first, second = fig.axes[0].lines[:2]
    assert first.get_ydata().tolist() == second.get_ydata().tolist() == [2 ** (l + 1) - 1 for l in range(1, 6)]
    assert second.get_markerfacecolor() == "none" and second.get_markersize() > first.get_markersize()
    assert [t.get_text() for t in fig.axes[1].texts] == ["63"]  # one end label for the shared end point


def test_network_rf_final_values_are_araujo_numbers():
    # Araujo et al. 2019: alexnet_v2 195 / 32, vgg_16 212 / 32, resnet_v1_50 483 / 32
    fig = plots.network_rf({"AlexNet": alexnet(), "VGG-16": vgg16(), "ResNet-50": resnet50()})
    r_ax, s_ax = fig.axes
    assert [int(line.get_ydata()[-1]) for line in r_ax.lines[:3]] == [195, 212, 483]
    assert [int(line.get_ydata()[-1]) for line in s_ax.lines[:3]] == [32, 32, 32]
    assert r_ax.lines[3].get_ydata()[0] == 224  # the input-size line
    assert "483" in r_ax.get_legend().get_texts()[2].get_text()


# --------------------------------------------------------------------------- effective receptive field


def test_erf_vs_theoretical_square_is_the_reachable_span():
    layers = [Layer(3, padding=1)] * 5
    fig = plots.erf_vs_theoretical(layers, size=21)
    # centre output of a 21 -> 21 map is u = 10; its field from the path-walking oracle
    u0, r = span(layers, 10, 21)
    for ax in fig.axes[:2]:
        assert (u0 - 0.5, u0 - 0.5, r, r) in squares(ax, edgecolor=matplotlib.colors.to_rgba(plots.COLORS["accent"]))
    # the dashed ERF square has side 2 sigma, sigma = Luo et al.'s sqrt(n (k^2 - 1) / 12)
    dashed = squares(fig.axes[0], edgecolor=matplotlib.colors.to_rgba(plots.COLORS["output"]))
    assert dashed[0][2] == pytest.approx(2 * np.sqrt(5 * 8 / 12))


def test_erf_ratio_follows_luo_law():
    depths = [1, 2, 4, 8]
    fig = plots.erf_ratio(depths, kernel=5, seeds=2)
    ax = fig.axes[0]
    measured, law = ax.lines[0].get_ydata(), ax.lines[2].get_ydata()
    # Luo et al. 2016 (derived): 2 sqrt(n (k^2 - 1) / 12) / (n (k - 1) + 1)
    expected = [2 * np.sqrt(n * 24 / 12) / (4 * n + 1) for n in depths]
    np.testing.assert_allclose(measured, expected, rtol=1e-9)
    np.testing.assert_allclose(law, expected, rtol=1e-12)
    assert ax.get_xscale() == ax.get_yscale() == "log"
    random_mean = ax.lines[1].get_ydata()
    assert np.all(random_mean < 1) and random_mean[-1] < random_mean[0]  # random stacks shrink too


# --------------------------------------------------------------------------- the widget's figure and text


@pytest.mark.parametrize(
    "layers",
    [
        [Layer(3, padding=1), Layer(3, stride=2, padding=1), Layer(3, dilation=2, padding=2)],
        [Layer(5, stride=2, padding=2), Layer(3, stride=3, dilation=3, padding=3)],
        [Layer(1)],
    ],
)
def test_rf_stack_figure_box_is_the_reachable_span(layers):
    n = 32
    fig = plots.rf_stack_figure(layers, size=n)
    sizes = [n]
    for layer in layers:
        sizes.append(layer.output_size(sizes[-1]))
    u0, r = span(layers, (sizes[-1] - 1) // 2, n)
    for ax in fig.axes[:2]:
        assert (u0 - 0.5, u0 - 0.5, r, r) in squares(ax, edgecolor=matplotlib.colors.to_rgba(plots.COLORS["accent"]))
    assert fig.axes[0].get_title() == f"theoretical RF on the image: r = {r}"
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert labels[:2] == ["image", "outside the image (zero padding)"]


def test_rf_stack_figure_says_when_the_field_covers_the_view():
    fig = plots.rf_stack_figure([Layer(7, stride=3, dilation=4, padding=12)] * 4, size=32)
    assert any("covers all of this view" in t.get_text() and t.get_visible() for t in fig.axes[0].texts)
    small = plots.rf_stack_figure([Layer(3, padding=1)], size=32)
    # the note stays in the figure, hidden, so that an in-place redraw can show it again
    assert not [t for t in small.axes[0].texts if t.get_visible()]


def test_rf_stack_report_numbers():
    layers = [Layer(3, padding=1), Layer(3, stride=2, padding=1), Layer(3, dilation=2, padding=2)]
    text = plots.rf_stack_report(layers, size=32)
    u0, r = span(layers, (16 - 1) // 2, 32)  # 32 -> 32 -> 16 -> 16
    assert f"= 1 + 2·1 + 2·1 + 4·2 = {r}" in text
    assert f"reads input pixels {u0} … {u0 + r - 1}" in text
    assert text.splitlines()[0].split()[:3] == ["layer", "k", "s"]
    sigma = float(text.split("2σ = ")[1].split(" px")[0])
    assert sigma > 0 and sigma < r


def test_rf_cones_draws_the_cone_and_the_field():
    """Issue 11: the 1-D cone picture — one panel per stack, titles give r, depth truncates the stack."""
    from helpers import rf_cone

    stacks = {"plain": [Layer(3, padding=1)] * 3, "dilated": [Layer(3, dilation=d, padding=d) for d in (1, 2, 4)]}
    fig = plots.rf_cones(stacks)
    assert [ax.get_title() for ax in fig.axes] == ["plain: r = 7", "dilated: r = 15"]
    band = [p for p in fig.axes[1].patches][0]
    assert band.get_width() == len(rf_cone(stacks["dilated"])[0].paths) == 15
    plt.close(fig)
    fig = plots.rf_cones(stacks, depth=2)
    assert [ax.get_title() for ax in fig.axes] == ["plain: r = 5", "dilated: r = 7"]
    plt.close(fig)
    with pytest.raises(ValueError, match="depth"):
        plots.rf_cones(stacks, depth=4)
