"""Every registered widget view, swept over its whole control ranges.

A view must return ``(Figure, str)`` for every reachable setting and render
without error; an impossible setting gives a sentence, never an exception.
(How fast the views are is measured in benchmarks/, not asserted here.)
"""

import random

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from helpers import widgets  # noqa: E402

# importing the notebooks' widgets registers them
REGISTERED = sorted(widgets.registry())


def settings_for(controls, seed=0, combos=20):
    """Each control over its whole range (others at their defaults), plus random combinations."""
    defaults = {name: c.value for name, c in controls.items()}
    ranges = {name: widgets.sweep_values(c) for name, c in controls.items()}
    for name, values in ranges.items():
        for v in values:
            yield {**defaults, name: v}
    rng = random.Random(seed)
    for _ in range(combos):
        yield {name: rng.choice(values) for name, values in ranges.items()}
    for pick in (min, max):
        try:
            yield {name: pick(values) for name, values in ranges.items()}
        except TypeError:
            pass


@pytest.mark.parametrize("name", REGISTERED)
def test_view_sweeps_without_error(name):
    view, controls = widgets.registry()[name]
    for setting in settings_for(controls()):
        fig, sentence = view(**setting)
        try:
            assert isinstance(fig, Figure), setting
            assert isinstance(sentence, str) and sentence, setting
            fig.canvas.draw()  # render: catches errors that only appear when drawing
        finally:
            plt.close(fig)


@pytest.mark.parametrize("name", REGISTERED)
def test_widget_builds_with_defaults(name):
    box = getattr(widgets, name)()
    assert box.children[-1].value  # the sentence under the figure was filled in
    plt.close("all")


def test_registry_not_empty_once_notebooks_exist():
    # notebooks 01+ each register at least one widget; 00 has none
    import pathlib

    notebooks = sorted(pathlib.Path(__file__).parent.parent.glob("notebooks/0[1-9]_*.ipynb"))
    if notebooks:
        assert REGISTERED, "notebooks exist but no widget is registered"
