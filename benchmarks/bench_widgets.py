"""Widget latency: one update of every registered widget, swept over its controls.

The course registers no matplotlib widget any more (its interactives are the browser-side
explorers, timed by ``bench_explorers.py``); ``helpers.widgets`` stays as the toolkit for a
learner's own widget. With the registry empty this script times its own demo view (defined
here, never in ``helpers``, labelled ``_bench_self_check``): that row measures the generic
path (view, Agg draw, ``figure_png`` / ``live_png``) and proves the benchmark, and a widget
registered with ``helpers.widgets.register`` in the same process is timed beside it.

An update is what a reader waits for after moving a control: the view's pure
computation plus drawing the figure on an Agg canvas (``fig.canvas.draw()``).
Every widget in ``helpers.widgets.registry()`` is swept like the tests do:
each control over its whole range (``sweep_values``) with the others at their
defaults, plus seeded random combinations; one timed update per setting, after
one untimed warm-up at the defaults. Targets per widget: median <= 50 ms and
95th percentile <= 100 ms.

For information, the table also gives the update as Jupyter's inline backend
delivers it (the view plus ``IPython.core.pylabtools.print_figure`` to PNG,
which draws again and encodes), and the slowest setting.

``--self-check`` also registers the demo view when other widgets are registered.
``--quick`` (a smoke run: do the script's paths work?) times only that demo
view, and the registered widgets named with ``--only``.

A widget with an in-place fast path (``widgets.updates()``) also gets the update as the
widget performs it: one figure redrawn in place per setting, plus the Agg draw (the demo's
fast path always declines, so its column times the fallback to the view).

The last two columns are what the widget does per change, PNG included (what the browser
receives), before and after the live path: *before* = the view's new figure encoded with
``widgets.figure_png`` (``bbox_inches="tight"``: a layout pass, then the draw, zlib level 6);
*live* = what ``widgets.build`` does: the in-place update where the widget has one (the
view where it declines or has none), then ``widgets.live_png`` (one draw, zlib level 1), one
figure walked through the settings in order.

Run: ``python benchmarks/bench_widgets.py [--quick] [--self-check] [--only WIDGET ...]``
"""

from __future__ import annotations

import argparse
import random
import sys
import time

import _common as C
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from helpers import widgets  # noqa: E402

TARGET_MEDIAN_S = 0.050
TARGET_P95_S = 0.100
PNG_SAMPLES = 15
SELF_CHECK = "_bench_self_check (demo view defined in the benchmark, not a course widget)"


#: settings per widget in a --quick run
QUICK_SETTINGS = 3


def settings_for(controls: dict, *, combos: int = 10, seed: int = 0, most: int = 25) -> list[dict]:
    """Each control over its whole range (others at defaults), then seeded random combinations."""
    defaults = {name: c.value for name, c in controls.items()}
    ranges = {name: widgets.sweep_values(c, most=most) for name, c in controls.items()}
    settings = [{**defaults, name: v} for name, values in ranges.items() for v in values]
    rng = random.Random(seed)
    settings += [{name: rng.choice(values) for name, values in ranges.items()} for _ in range(combos)]
    return settings


def _png(fig: Figure) -> None:
    from IPython.core.pylabtools import print_figure

    print_figure(fig, "png")


def empty_twin_update(fig: Figure, repeats: int = 5) -> float:
    """Median seconds to create and Agg-draw an *empty* figure with ``fig``'s size, dpi and axes layout.

    The floor of an update: what matplotlib costs before a widget draws anything
    (figure, axes frames, default ticks and their labels).
    """
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        twin = plt.figure(figsize=fig.get_size_inches(), dpi=fig.dpi)
        for ax in fig.axes:
            twin.add_axes(ax.get_position())
        twin.canvas.draw()
        samples.append(time.perf_counter() - t0)
        plt.close(twin)
    return C.median(samples)


def time_widget(name: str, view, controls_factory, *, quick: bool) -> dict:
    """Time every setting of one widget; return the samples (seconds) and the slowest setting."""
    controls = controls_factory()
    settings = settings_for(controls, combos=1 if quick else 10, most=3 if quick else 25)
    if quick:  # a smoke run: do the script's paths work? (tests/test_widgets.py sweeps every setting)
        settings = settings[:: -(-len(settings) // QUICK_SETTINGS)]
    fig, _ = view(**{n: c.value for n, c in controls.items()})  # warm-up: imports, caches
    fig.canvas.draw()
    floor = empty_twin_update(fig, repeats=1 if quick else 5)
    plt.close(fig)
    views, updates, pngs = [], [], []
    png_every = -(-len(settings) // PNG_SAMPLES)  # the informational PNG column: at most PNG_SAMPLES settings
    for index, setting in enumerate(settings):
        t0 = time.perf_counter()
        fig, sentence = view(**setting)
        t1 = time.perf_counter()
        try:
            C.check(isinstance(fig, Figure) and isinstance(sentence, str) and bool(sentence),
                    f"{name}{setting}: a view must return (Figure, non-empty str)")
            fig.canvas.draw()
            t2 = time.perf_counter()
            if index % png_every == 0:
                _png(fig)
                pngs.append((t1 - t0) + (time.perf_counter() - t2))
        finally:
            plt.close(fig)
        views.append(t1 - t0)
        updates.append(t2 - t0)
    slowest = max(range(len(settings)), key=updates.__getitem__)
    return {"settings": settings, "view": views, "update": updates, "png": pngs, "slowest": settings[slowest],
            "floor": floor, "in_place": time_in_place(name, view, settings),
            **time_live(name, view, settings[::png_every] if quick else settings)}


def time_live(name: str, view, settings: list[dict]) -> dict:
    """Seconds per setting of one change as the widget sends it, PNG included: before and with the live path."""
    update = widgets.updates().get(name)
    before, live = [], []
    fig, _ = view(**settings[0])
    widgets.figure_png(fig)  # the first picture, as build() shows it
    for setting in settings:  # interleaved, so that a shared machine's load changes hit both alike
        t0 = time.perf_counter()
        new, _ = view(**setting)
        widgets.figure_png(new)
        before.append(time.perf_counter() - t0)
        plt.close(new)
        t0 = time.perf_counter()
        if update is None or update(fig, **setting) is None:
            plt.close(fig)
            fig, _ = view(**setting)
        widgets.live_png(fig)
        live.append(time.perf_counter() - t0)
    plt.close(fig)
    return {"before_png": before, "live_png": live}


def time_in_place(name: str, view, settings: list[dict]) -> list[float]:
    """A widget with a fast path (``widgets.updates()``): one figure redrawn in place per setting, as the widget does.

    Seconds per setting for ``update(fig, **setting)`` (or the view where it declines) plus the Agg draw;
    empty for a widget without a fast path.
    """
    update = widgets.updates().get(name)
    if update is None:
        return []
    fig, _ = view(**settings[0])
    fig.canvas.draw()
    samples = []
    for setting in settings:
        t0 = time.perf_counter()
        if update(fig, **setting) is None:
            plt.close(fig)
            fig, _ = view(**setting)
        fig.canvas.draw()
        samples.append(time.perf_counter() - t0)
    plt.close(fig)
    return samples


# ----------------------------------------------------------- self-check view
def _register_self_check() -> None:
    """A view shaped like the course's: cell grids drawn with plots.draw_cells, a sentence, a message figure."""
    import ipywidgets as W
    import numpy as np

    from helpers import conv_output_size, plots

    def view(n: int = 7, kernel: int = 3, stride: int = 1, dilation: int = 1, padding: int = 0,
             show_taps: bool = True) -> tuple[Figure, str]:
        try:
            out = conv_output_size(n, kernel, stride=stride, padding=padding, dilation=dilation)
        except ValueError as exc:
            return plots.message_figure(str(exc)), f"Not possible: {exc}"
        size = n + 2 * padding
        grid = np.full((size, size), plots.COLORS["padding"], dtype=object)
        grid[padding:padding + n, padding:padding + n] = plots.COLORS["input"]
        taps = np.arange(kernel) * dilation
        if show_taps:
            grid[np.ix_(taps, taps)] = plots.COLORS["kernel"]
        fig, (ax_in, ax_out) = plt.subplots(1, 2, figsize=(9, 4))
        fig.subplots_adjust(left=0.02, right=0.8, wspace=0.1)
        plots.draw_cells(ax_in, grid)
        plots.draw_cells(ax_out, np.full((out, out), plots.COLORS["output"], dtype=object))
        for ax, title, cells in ((ax_in, f"input {n}×{n} + padding {padding}", size), (ax_out, f"output {out}×{out}", out)):
            ax.set_xlim(0, cells)
            ax.set_ylim(cells, 0)
            ax.set_title(title, fontsize=10)
            ax.set_axis_off()
        plots.legend_for(ax_out, {"input": plots.COLORS["input"], "padding": plots.COLORS["padding"],
                                  "kernel taps": plots.COLORS["kernel"], "output": plots.COLORS["output"]})
        return fig, f"out = ⌊({n} + 2·{padding} − {dilation}·({kernel} − 1) − 1) / {stride}⌋ + 1 = {out}"

    def controls() -> dict:
        return {
            "n": W.IntSlider(value=7, min=3, max=16, continuous_update=False),
            "kernel": W.IntSlider(value=3, min=1, max=5, continuous_update=False),
            "stride": W.IntSlider(value=1, min=1, max=3, continuous_update=False),
            "dilation": W.IntSlider(value=1, min=1, max=4, continuous_update=False),
            "padding": W.Dropdown(options=[("none", 0), ("1", 1), ("2", 2), ("3", 3)], value=0),
            "show_taps": W.Checkbox(value=True, description="show kernel taps"),
        }

    def update(fig: Figure, **values) -> None:
        """A fast path that always declines: the in-place column then times the fallback to the view,
        as for a widget whose fast path declines a change of layout (exercises that path)."""
        return None

    widgets.register(SELF_CHECK, view, controls, title="benchmark self-check", update=update)


def _unregister_self_check() -> None:
    widgets._REGISTRY.pop(SELF_CHECK, None)  # the benchmark's own temporary entries only
    widgets._core._UPDATES.pop(SELF_CHECK, None)


def make_table(quick: bool = False) -> C.Table:
    """The table :func:`run` fills: its title and columns (``run_all.py --columns`` prints them)."""
    return C.Table(
        "Widget latency: one update = view + Agg draw (ms)" + (" (quick: few settings)" if quick else ""),
        ["widget", "settings", "view median", "update median", "update p95", "empty-figure floor",
         "update ÷ floor", "target", "verdict", "inline PNG median / p95", "in-place update median / p95",
         "slowest update (setting)", "widget before: view + figure_png median / p95",
         "widget live: update + live_png median / p95"],
    )


def run(quick: bool = False, self_check: bool = False, only: "list[str] | None" = None) -> list[C.Table]:
    course = sorted(name for name in widgets.registry() if (name in only if only else not quick))
    use_demo = self_check or not course
    if use_demo:
        _register_self_check()
    try:
        names = course + ([SELF_CHECK] if use_demo else [])
        results, errors = {}, []
        for name in names:
            try:
                results[name] = time_widget(name, *widgets.registry()[name], quick=quick)
            except Exception as exc:  # a broken view must not hide the other widgets' numbers
                errors.append(f"`{name}` raised {type(exc).__name__}: {' '.join(str(exc).split())[:300]}")
    finally:
        if use_demo:
            _unregister_self_check()
    table = make_table(quick)
    for name, r in results.items():
        med, hi = C.median(r["update"]), C.p95(r["update"])
        ok = med <= TARGET_MEDIAN_S and hi <= TARGET_P95_S
        slow = ", ".join(f"{k}={v!r}" for k, v in r["slowest"].items())
        table.add(name, len(r["settings"]), C.ms(C.median(r["view"])), C.ms(med), C.ms(hi), C.ms(r["floor"]),
                  f"{med / r['floor']:.1f}×", "≤ 50 / ≤ 100",
                  "ok" if ok else "**MISS**", f"{C.ms(C.median(r['png']))} / {C.ms(C.p95(r['png']))}",
                  f"{C.ms(C.median(r['in_place']))} / {C.ms(C.p95(r['in_place']))}" if r["in_place"] else "—",
                  f"{C.ms(max(r['update']))} ({slow})",
                  f"{C.ms(C.median(r['before_png']))} / {C.ms(C.p95(r['before_png']))}",
                  f"{C.ms(C.median(r['live_png']))} / {C.ms(C.p95(r['live_png']))}")
    for error in errors:
        table.add(error.split("`")[1], "", "", "error", "", "", "", "≤ 50 / ≤ 100", "**MISS**", "", "", "", "", "")
    table.errors += errors
    if use_demo and SELF_CHECK in results:
        demo = results[SELF_CHECK]
        C.check(len(demo["update"]) == len(demo["settings"]) > 0, "self-check: one sample per setting")
        C.check(all(u >= v > 0 for u, v in zip(demo["update"], demo["view"])), "self-check: update includes the view")
        C.check(C.p95(demo["update"]) >= C.median(demo["update"]), "self-check: p95 below median")
    if not course:
        table.notes.append("quick run: only the self-check demo view, which proves the benchmark's paths (name course "
                           "widgets with --only)" if quick else
                           "no widget is registered (the course's interactives are the explorers: "
                           "bench_explorers.py); the self-check demo view times the generic widget path")
    if any(r["in_place"] for r in results.values()):
        table.notes.append("in-place update = the widget's fast path (widgets.updates()): one figure redrawn in place "
                           "per setting, plus the Agg draw; '—' = the widget builds a new figure per update")
    table.notes.append("widget before / live = one change as the widget sends it, PNG included: the view's new figure "
                       "+ figure_png (savefig tight, zlib 6) / the in-place update where there is one + live_png "
                       "(one draw, zlib 1), one figure walked through the settings"
                       + (f" (quick: at most {PNG_SAMPLES} of them)" if quick else "")
                       + "; target for a continuous slider: live median ≤ 100 ms")
    table.notes.append("one timed update per setting: each control over its range with the others at their defaults, "
                       f"plus {1 if quick else 10} seeded random combination(s); after one warm-up at the defaults")
    table.notes.append("empty-figure floor = creating and drawing an empty figure with the widget's size, dpi and "
                       "axes layout (at the defaults): what matplotlib costs before the widget draws anything")
    table.notes.append("inline PNG = the view plus `IPython.core.pylabtools.print_figure(fig, 'png')`, "
                       f"what Jupyter's inline backend sends to the browser (informational; on at most {PNG_SAMPLES} "
                       "evenly spread settings per widget)")
    return [table]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few settings per widget (a smoke run)")
    parser.add_argument("--self-check", action="store_true", help="also time a temporary demo view")
    parser.add_argument("--only", nargs="+", metavar="WIDGET", help="time only these registered widgets")
    args = parser.parse_args(argv)
    tables = run(args.quick, args.self_check, args.only)
    C.print_report(tables, C.machine())
    return 1 if any(t.errors for t in tables) else 0


if __name__ == "__main__":
    sys.exit(main())
