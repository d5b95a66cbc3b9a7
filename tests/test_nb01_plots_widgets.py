"""Notebook 01's figures and exercises, checked against brute-force counting (its widget is retired).

The figures are inspected through their artists (cell colours, window outlines, titles), so a
figure that draws the wrong cells or states a wrong size fails here.
"""

import itertools

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PolyCollection  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402
from oracles import conv2d_loops, count_windows, tf_same_split  # noqa: E402

from helpers import exercises, plots  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def never_read(n, k, s, pl, pr, d=1):
    """Input indices that no tap of any fitting window touches (plain loops)."""
    read = set()
    start = 0
    while start + d * (k - 1) <= n + pl + pr - 1:
        read.update(start + t * d - pl for t in range(k))
        start += s
    return [i for i in range(n) if i not in read]


def never_read_ceil(n, k, s, p):
    """ceil_mode pooling: windows may hang over the end; one that starts in the right padding is not kept."""
    read, start = set(), 0
    while start < n + p:
        read.update(range(start - p, start - p + k))
        if start + k >= n + 2 * p:
            break
        start += s
    return [i for i in range(n) if i not in read]


def cells_of_colour(ax, colour):
    """Number of grid cells (PolyCollection polygons) drawn in ``colour``."""
    target = np.array(to_rgba(colour))
    total = 0
    for coll in ax.collections:
        if isinstance(coll, PolyCollection):
            faces = coll.get_facecolors()
            total += int(np.all(np.isclose(faces, target), axis=1).sum())
    return total


def window_outlines(ax):
    from matplotlib.colors import same_color

    return [p for p in ax.patches if isinstance(p, Rectangle) and not p.get_fill()
            and same_color(p.get_edgecolor(), plots.COLORS["kernel"])]


@pytest.mark.parametrize("n, k, s, p", [(8, 3, 2, 0), (9, 3, 2, 0), (12, 3, 4, 0), (7, 4, 3, 1), (10, 1, 3, 0), (5, 5, 1, 2)])
def test_sliding_window_marks_exactly_the_never_visited_pixels(n, k, s, p):
    fig = plots.sliding_window(n, k, stride=s, padding=p, frame=0)
    ax = fig.axes[0]
    missing = len(never_read(n, k, s, p, p))
    # a pixel is unread if its row or its column is unread
    expected = n * n - (n - missing) ** 2
    assert cells_of_colour(ax, plots.COLORS["unvisited"]) == expected
    assert cells_of_colour(ax, plots.COLORS["input"]) == (n - missing) ** 2
    assert cells_of_colour(ax, plots.COLORS["padding"]) == (n + 2 * p) ** 2 - n * n
    out = count_windows(n, k, s, p, p, 1)
    assert cells_of_colour(ax, plots.COLORS["output"]) + cells_of_colour(ax, plots.COLORS["highlight"]) == out * out
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert ("input never visited" in legend) == (missing > 0)
    assert ("padding (zeros)" in legend) == (p > 0)


def test_sliding_window_puts_the_window_where_the_frame_says():
    n, k, s = 8, 3, 2
    out = count_windows(n, k, s, 0, 0, 1)
    for frame in range(out * out):
        fig = plots.sliding_window(n, k, stride=s, frame=frame)
        window = window_outlines(fig.axes[0])[0]  # the window; the second outline is its output cell
        oi, oj = divmod(frame, out)
        assert (window.get_x(), window.get_y(), window.get_width(), window.get_height()) == (oj * s, oi * s, k, k)
        plt.close(fig)


def test_sliding_window_title_and_rectangular_axes():
    fig = plots.sliding_window((7, 10), 3, stride=(2, 3), padding=(1, 0), frame=11)
    title = fig.axes[0].get_title(loc="left")
    # 4 x 3 outputs; frame 11 = output (3, 2) reads padded rows 6..8 -> input rows 5, 6 and the bottom
    # padding row (the input has rows 0..6), and columns 6..8 (no padding across)
    assert title == "window 12 of 12: output (3, 2) reads input rows 5–6 + padding, columns 6–8"
    fig = plots.sliding_window(5, 3, padding=2, frame=0)
    assert fig.axes[0].get_title(loc="left") == "window 1 of 49: output (0, 0) reads input rows 0 + padding, columns 0 + padding"


def test_sliding_window_rejects_bad_frames():
    with pytest.raises(ValueError, match="frame must be an integer <= 8"):
        plots.sliding_window(8, 3, stride=2, frame=9)
    with pytest.raises(ValueError, match="kernel does not fit"):
        plots.sliding_window(2, 3)


def test_window_frames_one_panel_per_frame():
    fig = plots.window_frames(8, 3, stride=2, frames=[0, 4, 8], ncols=2)
    visible = [a for a in fig.axes if a.get_visible()]
    assert [a.get_title(loc="left") for a in visible] == ["step 1: output (0, 0)", "step 5: output (1, 1)", "step 9: output (2, 2)"]
    assert len(fig.axes) == 4 and not fig.axes[3].get_visible()
    with pytest.raises(ValueError, match="frames must be a non-empty list"):
        plots.window_frames(8, 3, stride=2, frames=[])
    with pytest.raises(ValueError, match=r"frames\[1\] must be an integer <= 8"):
        plots.window_frames(8, 3, stride=2, frames=[0, 9])


def test_window_frames_default_is_first_nine():
    fig = plots.window_frames(10, 3, stride=2)  # 16 windows: the first 9 are drawn
    assert sum(a.get_visible() for a in fig.axes) == 9


def test_visit_counts_writes_the_counts():
    n, k, s, p = 7, 3, 2, 1
    fig = plots.visit_counts(n, k, stride=s, padding=p)
    ax = fig.axes[0]
    numbers = [int(t.get_text()) for t in ax.texts if t.get_position()[0] > 0 and t.get_position()[1] < n + 2 * p
               and t.get_text().isdigit() and t.get_fontsize() == 10]
    # brute force: every window adds 1 to every pixel it covers
    counts = np.zeros((n, n), dtype=int)
    out = count_windows(n, k, s, p, p, 1)
    for i, j in itertools.product(range(out), repeat=2):
        for a, b in itertools.product(range(k), repeat=2):
            r, c = i * s + a - p, j * s + b - p
            if 0 <= r < n and 0 <= c < n:
                counts[r, c] += 1
    assert sorted(numbers) == sorted(counts.ravel().tolist())


def test_padding_modes_titles_match_counting():
    for n, k, s in [(6, 3, 2), (5, 3, 2), (7, 4, 3), (9, 2, 1)]:
        fig = plots.padding_modes(n, k, stride=s)
        titles = [ax.get_title(loc="left") for ax in fig.axes[:3]]
        before, after = tf_same_split(n, k, s, 1)
        valid = count_windows(n, k, s, 0, 0, 1)
        same = count_windows(n, k, s, before, after, 1)
        full = count_windows(n, k, s, k - 1, k - 1, 1)
        assert titles[0] == f"valid: P = 0 before, 0 after\n→ output {valid}×{valid}"
        assert titles[1] == f"same (TF): P = {before} before, {after} after\n→ output {same}×{same}"
        assert titles[2] == f"full: P = {k - 1} before, {k - 1} after\n→ output {full}×{full}"
        assert same == -(-n // s)  # TF's promise: ceil(n / s)
        plt.close(fig)
    with pytest.raises(ValueError, match="kernel does not fit"):
        plots.padding_modes(2, 3)


@pytest.mark.parametrize(
    "n, k, s, p, kept_floor, kept_ceil, dropped",
    [
        (7, 2, 2, 0, 3, 4, False),  # the extra window starts inside the input: kept
        (5, 2, 2, 1, 3, 3, True),   # the rounded-up window would start in the right padding: dropped
        (8, 2, 2, 0, 4, 4, False),  # no remainder: both modes agree, nothing extra
    ],
)
def test_pooling_windows_shows_kept_and_dropped_windows(n, k, s, p, kept_floor, kept_ceil, dropped):
    assert count_windows(n, k, s, p, p, 1) == kept_floor
    assert count_windows(n, k, s, p, p, 1, ceil_mode=True) == kept_ceil
    fig = plots.pooling_windows(n, k, stride=s, padding=p)
    top, bottom = fig.axes
    assert top.get_title(loc="left").endswith(f"= {kept_floor} window(s)")
    assert bottom.get_title(loc="left").endswith(f"= {kept_ceil} window(s)")
    labels = [t.get_text() for t in bottom.texts if t.get_text().startswith("window")]
    assert any("dropped" in t for t in labels) == dropped
    assert sum("dropped" not in t for t in labels) == kept_ceil
    # ceil mode reads every pixel here; floor mode misses the remainder
    floor_missing = len(never_read(n, k, s, p, p))
    assert cells_of_colour(top, plots.COLORS["unvisited"]) == floor_missing
    assert cells_of_colour(bottom, plots.COLORS["unvisited"]) == len(never_read_ceil(n, k, s, p))


def test_pooling_windows_draws_a_ceil_only_window():
    # a kernel longer than the input: floor mode keeps nothing, ceil mode one window hanging over the end
    n, k, s = 1, 2, 4
    assert count_windows(n, k, s, 0, 0, 1) == 0
    assert count_windows(n, k, s, 0, 0, 1, ceil_mode=True) == 1
    fig = plots.pooling_windows(n, k, stride=s)
    top, bottom = fig.axes
    assert top.get_title(loc="left").endswith("= 0 window(s): none fits")
    assert bottom.get_title(loc="left").endswith("= 1 window(s)")
    assert not [t for t in top.texts if t.get_text().startswith("window")]
    assert cells_of_colour(top, plots.COLORS["unvisited"]) == n
    assert cells_of_colour(bottom, plots.COLORS["unvisited"]) == 0
    plt.close(fig)


def test_strided_vs_dense_values_are_the_strided_convolution():
    n, k, s = 8, 3, 2
    fig = plots.strided_vs_dense(n, k, stride=s, seed=0)
    x = np.array([float(t.get_text()) for t in fig.axes[0].texts]).reshape(n, n)
    shown = np.array([float(t.get_text()) for t in fig.axes[2].texts])
    expected = conv2d_loops(x[None, None], np.ones((1, 1, k, k)), (s, s), (0, 0), (1, 1))[0, 0]
    assert shown.tolist() == expected.ravel().tolist()
    dense_shown = np.array([float(t.get_text()) for t in fig.axes[1].texts]).reshape(n - k + 1, n - k + 1)
    assert dense_shown[::s, ::s].tolist() == expected.tolist()
    with pytest.raises(ValueError, match="kernel must be an integer <= 8"):
        plots.strided_vs_dense(8, 9)


# --- exercises -----------------------------------------------------------------------------


def test_exercises_01_expected_answers_match_brute_force():
    assert exercises._get("01-output-size").expected() == count_windows(28, 5, 3, 0, 0, 1)
    assert exercises._get("01-never-visited").expected() == never_read(11, 2, 3, 1, 1)
    assert tuple(exercises._get("01-same-split").expected()) == tf_same_split(7, 4, 2, 1)


@pytest.mark.parametrize("key, right, wrong", [
    ("01-output-size", count_windows(28, 5, 3, 0, 0, 1), 9),
    ("01-never-visited", never_read(11, 2, 3, 1, 1), [8, 9]),
    ("01-same-split", list(tf_same_split(7, 4, 2, 1)), (2, 1)),
])
def test_exercises_01_accept_right_and_reject_wrong(key, right, wrong, capsys):
    assert exercises.check_answer(key, right)[0]
    ok, message = exercises.check_answer(key, wrong)
    assert not ok
    mistake = exercises.mistake_for(key, wrong)
    if mistake is not None:  # a listed common mistake gets its own hint
        hint = next(m.hint for m in exercises._get(key).mistakes if m.name == mistake)
        assert hint in message
    assert exercises.solution_text(key).startswith(f"Answer: {exercises._get(key).expected()!r}.")


# --- issue 19: readable animation frames, the extra ceil-mode window named in the legend -------------


def test_stored_animation_frames_are_readable():
    """Every animation stored in notebook 01 is at least 800 px wide (its key frame, the PNG GitHub shows)."""
    import base64
    import io
    import json
    from pathlib import Path

    from PIL import Image

    nb = json.loads((Path(__file__).resolve().parent.parent / "notebooks" / "01_stride.ipynb").read_text())
    widths = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            plain = "".join(out.get("data", {}).get("text/plain", ""))
            if plain.startswith("Animation:"):
                png = base64.b64decode(out["data"]["image/png"])
                widths.append(Image.open(io.BytesIO(png)).size[0])
    assert len(widths) == 2 and min(widths) >= 800, widths


def test_pooling_windows_extra_window_has_its_own_colour_and_legend_entry():
    fig = plots.pooling_windows(7, 2, stride=2)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "extra window (ceil_mode)" in labels
    extra = [p for p in fig.axes[1].patches if isinstance(p, Rectangle) and p.get_fill()
             and np.allclose(p.get_facecolor()[:3], to_rgba(plots.COLORS["highlight"])[:3])]
    assert len(extra) == 1
    assert plots.COLORS["highlight"] not in (plots.COLORS["input"], plots.COLORS["kernel"])
    fig = plots.pooling_windows(5, 2, stride=2, padding=1)   # the rounded-up window is dropped, not extra
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "dropped window" in labels and "extra window (ceil_mode)" not in labels


def test_shift_on_image_uses_the_photo_shipped_with_matplotlib():
    from helpers.plots import stride

    photo = stride._sample_photo(32)
    assert photo.shape == (32, 32) and 0 <= photo.min() < photo.max() <= 1
    fig = plots.shift_on_image(32)
    labels = [ax.get_xlabel() for ax in fig.axes if ax.get_xlabel()]
    assert labels[0].startswith("largest: 0%") and not labels[1].startswith("largest: 0%")
