"""Notebook 02's figures and exercises, checked against brute force (its widget is retired)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PolyCollection  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from oracles import count_windows  # noqa: E402

from helpers import exercises, plots  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def never_read(n, k, s, p, d):
    read = set()
    start = 0
    while start + d * (k - 1) <= n + 2 * p - 1:
        read.update(start + t * d - p for t in range(k))
        start += s
    return [i for i in range(n) if i not in read]


def faces(ax, colour):
    target = np.array(to_rgba(colour))
    return sum(int(np.all(np.isclose(c.get_facecolors(), target), axis=1).sum())
               for c in ax.collections if isinstance(c, PolyCollection))


def hatched_cells(ax):
    return sum(len(c.get_paths()) for c in ax.collections if isinstance(c, PolyCollection) and c.get_hatch())


@pytest.mark.parametrize("k, dilations", [(3, (1, 2, 3)), (2, (1, 4)), (5, (2,))])
def test_dilated_taps_draws_k_squared_taps_in_the_span(k, dilations):
    fig = plots.dilated_taps(k, dilations)
    for ax, d in zip(fig.axes, dilations):
        span = d * (k - 1) + 1  # first to last tap, inclusive
        assert faces(ax, plots.COLORS["kernel"]) == k * k
        assert hatched_cells(ax) == span * span - k * k
        assert ax.get_title(loc="left").startswith(f"d = {d}: span {span}×{span}\n{k * k} weights")


def test_dilated_taps_arguments():
    with pytest.raises(ValueError, match="dilations must be a sequence of 1 to 6 rates"):
        plots.dilated_taps(3, ())
    with pytest.raises(ValueError, match=r"dilations\[1\] must be an integer >= 1"):
        plots.dilated_taps(3, (1, 0))
    with pytest.raises(ValueError, match="n must be an integer >= 7"):
        plots.dilated_taps(3, (3,), n=5)


def test_subgrids_taps_stay_on_one_subgrid():
    for n, d, k in [(8, 2, 3), (9, 3, 3), (7, 2, 2)]:
        fig = plots.subgrids(n, d, kernel=k)
        left, right = fig.axes
        # every tap dot on the input sits on a pixel of sub-grid (0, 0)
        dots = [line.get_xydata()[0] for line in left.get_lines()]
        assert len(dots) == k * k
        assert all(int(x - 0.5) % d == 0 and int(y - 0.5) % d == 0 for x, y in dots)
        # the right panel: d² sub-grids whose sizes add up to the whole input
        labels = [t.get_text() for t in right.texts]
        assert len(labels) == d * d
        sizes = [tuple(map(int, lab.split(": ")[1].split("×"))) for lab in labels]
        assert sum(h * w for h, w in sizes) == n * n
        plt.close(fig)
    with pytest.raises(ValueError, match="dilation must be an integer <= 3"):
        plots.subgrids(8, 4)
    with pytest.raises(ValueError, match="kernel does not fit"):
        plots.subgrids(4, 3)


def test_output_size_vs_dilation_lines_are_window_counts():
    n, k = 33, 3
    fig = plots.output_size_vs_dilation(n, k, dilations=(1, 2, 8, 16, 17, 20))
    keep, valid, no_fit = fig.axes[0].get_lines()
    for d, size in zip(*keep.get_data()):
        p = d * (k - 1) // 2
        assert size == count_windows(n, k, 1, p, p, d) == n
    for d, size in zip(*valid.get_data()):
        assert size == count_windows(n, k, 1, 0, 0, d)
    assert list(no_fit.get_xdata()) == [17, 20]  # span 35 and 41 > 33


@pytest.mark.parametrize("n, k, d, s, p", [(9, 3, 2, 2, 0), (10, 3, 2, 1, 2), (11, 2, 3, 2, 1), (7, 4, 2, 1, 3)])
def test_dilated_window_marks_unread_pixels_and_the_zero_inserted_kernel(n, k, d, s, p):
    fig = plots.dilated_window(n, k, dilation=d, stride=s, padding=p)
    scene, kernel = fig.axes
    missing = len(never_read(n, k, s, p, d))
    assert faces(scene, plots.COLORS["unvisited"]) == n * n - (n - missing) ** 2
    span = d * (k - 1) + 1
    assert faces(kernel, plots.COLORS["kernel"]) == k * k
    assert hatched_cells(kernel) == span * span - k * k


def test_exercises_02_match_brute_force(capsys):
    assert exercises._get("02-output-size").expected() == count_windows(57, 3, 2, 2, 2, 4)
    p = exercises._get("02-keep-size").expected()
    assert count_windows(32, 7, 1, p, p, 3) == 32 and count_windows(32, 7, 1, p - 1, p - 1, 3) != 32
    for key, wrong in (("02-output-size", 32), ("02-keep-size", 3)):
        assert exercises.check_answer(key, exercises._get(key).expected())[0]
        assert not exercises.check_answer(key, wrong)[0]
        assert exercises.solution_text(key).startswith(f"Answer: {exercises._get(key).expected()!r}.")


@pytest.mark.parametrize("n, k, d, s, p", [(33, 3, 12, 1, 0), (9, 3, 2, 2, 1), (20, 3, 3, 4, 0), (12, 2, 5, 1, 3)])
def test_read_strip_paints_the_pixels_no_tap_reads(n, k, d, s, p):
    fig = plots.read_strip(n, k, dilation=d, stride=s, padding=p)
    ax = fig.axes[0]
    assert faces(ax, plots.COLORS["unvisited"]) == len(never_read(n, k, s, p, d))
    title = ax.get_title(loc="left")
    assert title.startswith(f"N = {n}, K = {k}, d = {d}, S = {s}, P = {p}: {count_windows(n, k, s, p, p, d)} windows")


def test_read_strip_names_the_unread_rows_of_the_large_rate_case():
    title = plots.read_strip(33, 3, dilation=12).axes[0].get_title(loc="left")
    assert "never read: 9–11, 21–23" in title
    texts = [t.get_text() for t in plots.read_strip(33, 3, dilation=12).axes[0].texts]
    assert any(t.startswith("interior empty") for t in texts)


def test_dilated_window_interior_square():
    fig = plots.dilated_window(24, 3, dilation=3, stride=4, frame=1, interior=True)
    dashed = [p for p in fig.axes[0].patches if p.get_linestyle() not in ("solid", "-")]
    assert [(p.get_x(), p.get_width()) for p in dashed] == [(6, 11)]      # padded 6 … (5 − 1)·4 = 16
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "interior: padded rows/columns 6–16" in labels
