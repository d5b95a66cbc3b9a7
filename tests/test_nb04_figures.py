"""Notebook 04: its figures, widget view and exercises say what the formulas say.

Expected values come from the oracles (window walking) or from the formulas written
out by hand in the test, never from the code under test.
"""

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402
from oracles import count_windows, tf_same_split  # noqa: E402

from helpers import exercises, plots  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


# ---------------------------------------------------------------- exercises


def test_exercise_predict_aspp_by_walking_same_layers():
    """04-predict-aspp: walk ResNet-50's 'same' strides (OS 16) on 353, then a rate-24 head padded by 24."""
    n = 353
    for _ in range(4):  # four "same" stride-2 layers: output stride 16
        pl, pr = tf_same_split(n, 3, 2, 1)
        n = count_windows(n, 3, 2, pl, pr, 1)
    n = count_windows(n, 3, 1, 24, 24, 24)
    assert exercises.check_answer("04-predict-aspp", n) == (True, "Correct!")
    assert exercises.mistake_for("04-predict-aspp", 2 * n) == "rates enlarge the heatmap"


def test_exercise_which_doubles_and_encoder_decoder():
    """04-which-doubles: only the stride doubles the side; 04-encdec-size: 8·ceil(150/32), not ceil(150/4)."""
    assert exercises.check_answer("04-which-doubles", "b")[0]
    assert exercises.mistake_for("04-which-doubles", "c") == "both are needed"
    assert exercises.check_answer("04-encdec-size", 8 * math.ceil(150 / 32))[0]
    assert exercises.mistake_for("04-encdec-size", math.ceil(150 / 4)) == "ceil(N/OS) for an encoder-decoder"


def test_exercise_mismatched_padding_by_walking_windows():
    n = 33
    for _ in range(3):
        n = count_windows(n, 3, 1, 1, 1, 3)
    assert exercises.check_answer("04-mismatched-padding", n)[0]
    assert not exercises.check_answer("04-mismatched-padding", 33)[0]  # the size-keeping answer is wrong here


def test_exercise_aspp_rates():
    # Chen et al. 2017: (6, 12, 18) at OS 16 <-> (12, 24, 36) at OS 8; rate x OS constant -> OS 4: (24, 48, 72)
    assert exercises.check_answer("04-aspp-rates", [24, 48, 72])[0]
    assert exercises.check_answer("04-aspp-rates", (24, 48, 72))[0]
    assert not exercises.check_answer("04-aspp-rates", [6, 12, 18])[0]
    assert exercises.mistake_for("04-aspp-rates", [12, 24, 36]) == "OS 8's rates"


def test_exercise_predict_aspp_slips_get_their_own_hints():
    """Issue 20: 33 (the 513 crop's answer reused) and the encoder–decoder's early stops each get a hint."""
    assert exercises.mistake_for("04-predict-aspp", math.ceil(513 / 16)) == "the 513 crop's answer reused"
    enc = math.ceil(150 / 32)
    assert [exercises.mistake_for("04-encdec-size", enc * 2**k) for k in range(3)] == [
        "stopped after the encoder", "stopped after one transposed convolution", "stopped after two transposed convolutions"]


def test_exercise_paint_vs_look_from_the_definitions():
    """04-paint-vs-look: align_corners moves the painted pixel (511 vs 503.5 for cell 31 of 32 on 512),
    a larger rate keeps the 32-cell map (padding = rate), OS 8 changes the map (64 cells)."""
    # PyTorch's two conventions written out: True -> u(N-1)/(n-1); False -> (u + 0.5) N/n - 0.5
    assert 31 * 511 / 31 != (31 + 0.5) * 512 / 32 - 0.5
    assert exercises.check_answer("04-paint-vs-look", "a")[0]
    assert exercises.mistake_for("04-paint-vs-look", "b") == "the rate moves the cell"
    assert exercises.mistake_for("04-paint-vs-look", "c") == "the output stride moves only the painting"


@pytest.mark.parametrize(
    "key", ["04-predict-aspp", "04-which-doubles", "04-encdec-size", "04-mismatched-padding", "04-aspp-rates",
            "04-paint-vs-look"]
)
def test_exercise_solutions_print_the_computed_answer(key, capsys):
    out = exercises.solution_text(key)
    expected = exercises._get(key).expected()
    assert out.startswith(f"Answer: {expected if isinstance(expected, str) else repr(expected)}")
    assert exercises.check_answer(key, None)[0] is False


# ---------------------------------------------------------------- figures


def _segments_x(ax):
    """x of every vertical line segment drawn with vlines."""
    xs = []
    for coll in ax.collections:
        if isinstance(coll, LineCollection):
            for seg in coll.get_segments():
                if np.isclose(seg[0][0], seg[-1][0]):
                    xs.append(float(seg[0][0]))
    return xs


def test_heatmap_cell_draws_the_cell_lattice():
    fig = plots.heatmap_cell(513, 16, 6)
    xs = _segments_x(fig.axes[0])
    # DeepLab 513 crop: centres on 0, 16, ..., 512, cells are the 16x16 squares around them
    assert xs == [-8 + 16 * k for k in range(34)]
    filled = [p for p in fig.axes[0].patches if isinstance(p, Rectangle) and p.get_fill()]
    assert len(filled) == 1 and filled[0].get_width() == 16


def test_heatmap_cell_receptive_field_rectangle():
    fig = plots.heatmap_cell(257, 32, 1)
    widths = sorted(p.get_width() for p in fig.axes[1].patches if isinstance(p, Rectangle))
    assert 483 + 2 * 32 in widths  # ResNet-50 r = 483 plus a rate-1 3x3 head on a stride-32 map
    with pytest.raises(ValueError, match="heatmap would be empty"):
        plots.heatmap_cell(64, 32, 6, padding="one")
    with pytest.raises(ValueError, match="padding must be one of"):
        plots.heatmap_cell(64, 32, 6, padding="full")


@pytest.mark.parametrize("n", [256, 250])
def test_heatmap_grids_counts_cells(n):
    fig = plots.heatmap_grids(n, output_strides=(32, 16, 8))
    for ax, os_ in zip(fig.axes, (32, 16, 8)):
        cells = -(-n // os_)
        assert ax.get_title() == f"OS {os_}: {cells}×{cells} heatmap"
        xs = _segments_x(ax)
        assert len(xs) == cells + 1 and np.allclose(np.diff(xs), os_)  # whole OS x OS squares (issue 11 item 4)


def test_heatmap_size_vs_rate_lines():
    fig = plots.heatmap_size_vs_rate(65, max_rate=40)
    same, one, valid = fig.axes[0].get_lines()[:3]
    assert set(same.get_ydata()) == {65}
    for d, y in zip(one.get_xdata(), one.get_ydata()):
        span = 2 * d + 1
        if 65 + 2 < span:
            assert np.isnan(y)
        else:
            assert y == count_windows(65, 3, 1, 1, 1, int(d))
    for d, y in zip(valid.get_xdata(), valid.get_ydata()):
        if not np.isnan(y):
            assert y == 65 - 2 * d


def test_stride_for_dilation_tap_positions():
    fig = plots.stride_for_dilation(width=192, center=96)
    taps = [line for line in fig.axes[0].get_lines() if line.get_markersize() == 10]
    # rows: OS 32 rate 1, OS 16 rate 1, OS 16 rate 2, OS 8 rate 4: taps rate * OS apart
    assert [list(line.get_xdata()) for line in taps] == [[64, 96, 128], [80, 96, 112], [64, 96, 128], [64, 96, 128]]


def test_stage_costs_block4_grows_by_f_squared():
    fig = plots.stage_costs(512, output_strides=(32, 16, 8))
    bars = fig.axes[0].patches  # 5 stages per output stride, in order OS 32, 16, 8
    block4 = [bars[5 * i + 4].get_height() for i in range(3)]
    assert block4[1] == pytest.approx(4 * block4[0]) and block4[2] == pytest.approx(16 * block4[0])
    stem = [bars[5 * i].get_height() for i in range(3)]
    assert stem[0] == stem[1] == stem[2]


def test_scene_is_seeded():
    a, ka = plots._nb04_scene(300, 0)
    b, kb = plots._nb04_scene(300, 0)
    c, _ = plots._nb04_scene(300, 1)
    assert np.array_equal(a, b) and ka == kb and not np.array_equal(a, c)
    assert 0 <= ka[0] < 300 and 0 <= ka[1] < 300


def test_heatmap_grids_squares_sit_on_the_real_cell_centres():
    """Issue 11 item 4: one geometry — the drawn squares are centred on cell_centers (2, 34, … at OS 32)."""
    from helpers import cell_centers, resnet50

    fig = plots.heatmap_grids(256, output_strides=(32, 8))
    for ax, os_ in zip(fig.axes, (32, 8)):
        centers = cell_centers(resnet50(os_), 256)
        lines = ax.collections[0].get_segments()  # vlines: x = centre - OS/2 for each cell, + the last edge
        xs = sorted({round(float(seg[0][0]), 3) for seg in lines})
        assert xs == [round(c - os_ / 2, 3) for c in centers] + [round(centers[-1] + os_ / 2, 3)]
        boxes = [p for p in ax.patches if p.get_width() == os_]
        (cx,) = {b.get_x() + os_ / 2 for b in boxes}
        assert cx in centers
    plt.close(fig)


def test_heatmap_grids_lighter_when_dense_and_centres_in_the_legend():
    """Issue 20: the OS-8 grid is lighter than the OS-32 grid so the filled cell and the dots show; the dots are
    in the legend."""
    fig = plots.heatmap_grids(256, output_strides=(32, 8))
    alphas = []
    for ax in fig.axes:
        lines = [c for c in ax.collections if isinstance(c, LineCollection)]
        alphas.append(min(c.get_alpha() if c.get_alpha() is not None else 1.0 for c in lines))
    assert alphas[1] < alphas[0]
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert any("cell centres" in label for label in labels)


def test_heatmap_cell_keypoint_drawn_above_the_grid():
    fig = plots.heatmap_cell(513, 16, 6)
    left = fig.axes[0]
    key = [line for line in left.lines if line.get_marker() == "P"][0]
    grid = [c for c in left.collections if isinstance(c, LineCollection)]
    assert all(key.get_zorder() > c.get_zorder() for c in grid)
    assert all(key.get_zorder() > p.get_zorder() for p in left.patches)
