"""plots.draw_cells adds its cells without add_patch (for speed); it must behave as if it used it."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from helpers import plots  # noqa: E402


def cells_with_add_patch(ax, grid, origin):
    """The plain way: one add_patch per drawn cell (what matplotlib documents)."""
    for (i, j), color in np.ndenumerate(np.asarray(grid, dtype=object)):
        if color is not None:
            ax.add_patch(Rectangle((origin[0] + j, origin[1] + i), 1, 1, facecolor=color))


def test_same_patches_and_data_limits_as_add_patch():
    grid = np.full((4, 6), None, dtype=object)
    grid[1:3, 2:5] = plots.COLORS["input"]
    grid[3, 0] = plots.COLORS["output"]
    fig, (fast, plain) = plt.subplots(1, 2)
    try:
        plots.draw_cells(fast, grid, origin=(2.0, -1.0))
        cells_with_add_patch(plain, grid, (2.0, -1.0))
        assert len(fast.patches) == len(plain.patches) == 7
        np.testing.assert_allclose(fast.dataLim.get_points(), plain.dataLim.get_points())
        np.testing.assert_allclose(fast.dataLim.get_points(), [[2.0, 0.0], [7.0, 3.0]])  # cells x 2..7, y 0..3
        for ax in (fast, plain):  # relim() recomputes the same limits from the patches
            before = ax.dataLim.get_points().copy()
            ax.relim()
            np.testing.assert_allclose(ax.dataLim.get_points(), before)
        assert [p.get_facecolor() for p in fast.patches] == [p.get_facecolor() for p in plain.patches]
        fig.canvas.draw()
    finally:
        plt.close(fig)


def test_empty_grid_draws_nothing():
    fig, ax = plt.subplots()
    try:
        plots.draw_cells(ax, [[None, None]])
        assert len(ax.patches) == 0
    finally:
        plt.close(fig)
