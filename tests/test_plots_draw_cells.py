"""plots.draw_cells draws one collection; it must show the same cells as one patch per cell would."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402

from helpers import plots  # noqa: E402


def test_cells_positions_colours_and_limits():
    grid = np.full((4, 6), None, dtype=object)
    grid[1:3, 2:5] = plots.COLORS["input"]
    grid[3, 0] = plots.COLORS["output"]
    fig, ax = plt.subplots()
    try:
        plots.draw_cells(ax, grid, origin=(2.0, -1.0))
        (coll,) = ax.collections
        # each drawn cell is the unit square at (origin + (j, i)), in row-major order
        expected = [(i, j) for (i, j), c in np.ndenumerate(grid) if c is not None]
        assert len(coll.get_paths()) == len(expected) == 7
        for path, (i, j) in zip(coll.get_paths(), expected):
            xs, ys = path.vertices[:, 0], path.vertices[:, 1]
            assert (xs.min(), xs.max(), ys.min(), ys.max()) == (2.0 + j, 3.0 + j, -1.0 + i, i)
        faces = [tuple(f) for f in coll.get_facecolors()]
        assert faces == [to_rgba(grid[i, j]) for i, j in expected]
        np.testing.assert_allclose(ax.dataLim.get_points(), [[2.0, 0.0], [7.0, 3.0]])  # cells x 2..7, y 0..3
        assert ax.yaxis_inverted()
        fig.canvas.draw()
    finally:
        plt.close(fig)


def test_text_and_empty_grid():
    fig, (a, b) = plt.subplots(1, 2)
    try:
        plots.draw_cells(a, [[None, None]])
        assert not a.collections
        plots.draw_cells(b, [["red", "blue"]], text=np.array([["1", ""]], dtype=object))
        assert [t.get_text() for t in b.texts] == ["1"]
    finally:
        plt.close(fig)
