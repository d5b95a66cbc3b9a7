"""Figures, built only on the pure modules (formulas → arrays → figures).

Conventions
-----------
* Every public function returns a ``matplotlib.figure.Figure`` made with
  ``pyplot``, so a notebook cell ``fig = plots.something(...)`` shows it with
  no text output (nbval compares text, never PNG).
* Functions that back a widget never raise on an impossible setting: they
  return :func:`message_figure` with a sentence saying why.
* Colours come from :data:`COLORS` (Okabe–Ito, colour-blind safe) and every
  grid is labelled (input / padding / output), as in Dumoulin & Visin's guide.

One module per topic (notebook): ``stride`` (01), ``dilation`` (02), ``receptive`` (03),
``heatmaps`` (04), ``gridding`` (05), ``upsampling`` (06), ``design`` (07), on the shared
drawing primitives in ``_style``. Every figure is re-exported here, so
``plots.sliding_window(...)`` works.
"""

from __future__ import annotations

from typing import Any

from ._style import (  # noqa: F401
    COLORS,
    message_figure,
    draw_cells,
    legend_for,
)
from .stride import (  # noqa: F401
    _span_text,
    _axis_names,
    sliding_window,
    window_frames,
    window_sweep,
    visit_counts,
    padding_modes,
    pooling_windows,
    strided_vs_dense,
    shift_and_stride,
    shift_on_image,
)
from .dilation import (  # noqa: F401
    dilated_taps,
    subgrids,
    output_size_vs_dilation,
    stride_and_dilation,
    dilated_window,
    read_strip,
)
from .receptive import (  # noqa: F401
    synthetic_scene,
    rf_growth,
    network_rf,
    erf_vs_theoretical,
    erf_ratio,
    rf_stack_report,
    rf_stack_figure,
    rf_cones,
)
from .heatmaps import (  # noqa: F401
    _nb04_scene,
    heatmap_grids,
    heatmap_size_vs_rate,
    stride_for_dilation,
    stage_costs,
    heatmap_cell,
)
from .gridding import (  # noqa: F401
    PATHS_CMAP,
    coverage_maps,
    coverage_build_up_view,
    gridding_artifact,
    hdc_rule_map,
    valid_taps_curves,
    stack_overview,
)
from .upsampling import (  # noqa: F401
    transposed_conv_1d,
    bilinear_sampling_1d,
    _overlap_input_size,
    overlap_pattern,
    transposed_paint_view,
    zero_insertion_1d,
    checkerboard_vs_gridding,
    resize_conv_comparison,
)
from .design import (  # noqa: F401
    cell_alignment,
    collision_curves,
    peak_demo,
    design_figure,
)
from .audit import (  # noqa: F401
    audit_field,
)

__all__ = [
    "COLORS",
    "message_figure",
    "draw_cells",
    "legend_for",
    "sliding_window",
    "window_frames",
    "window_sweep",
    "visit_counts",
    "padding_modes",
    "pooling_windows",
    "strided_vs_dense",
    "shift_and_stride",
    "shift_on_image",
    "dilated_taps",
    "subgrids",
    "output_size_vs_dilation",
    "stride_and_dilation",
    "dilated_window",
    "read_strip",
    "synthetic_scene",
    "rf_growth",
    "network_rf",
    "erf_vs_theoretical",
    "erf_ratio",
    "rf_stack_report",
    "rf_stack_figure",
    "rf_cones",
    "heatmap_grids",
    "heatmap_size_vs_rate",
    "stride_for_dilation",
    "stage_costs",
    "heatmap_cell",
    "PATHS_CMAP",
    "coverage_maps",
    "coverage_build_up_view",
    "gridding_artifact",
    "hdc_rule_map",
    "valid_taps_curves",
    "stack_overview",
    "transposed_conv_1d",
    "bilinear_sampling_1d",
    "overlap_pattern",
    "transposed_paint_view",
    "zero_insertion_1d",
    "checkerboard_vs_gridding",
    "resize_conv_comparison",
    "cell_alignment",
    "collision_curves",
    "peak_demo",
    "design_figure",
    "audit_field",
]


def _wrap_png_formatter(shell: Any) -> None:
    """Wrap the inline backend's PNG formatter for figures once (see :func:`_install_picture_words`)."""
    from matplotlib.figure import Figure

    from .._pngtext import add_words, figure_words

    formatter = shell.display_formatter.formatters["image/png"]
    current = formatter.type_printers.get(Figure)
    if current is None or getattr(current, "_sh_words", False):
        return

    def with_words(fig: Any, _inner: Any = current) -> Any:
        data = _inner(fig)
        if data is None:
            return data
        words = figure_words(fig)
        if isinstance(data, str):  # base64, as the inline backend returns it
            import base64

            return base64.b64encode(add_words(base64.b64decode(data), words)).decode("ascii")
        return add_words(data, words)

    with_words._sh_words = True  # type: ignore[attr-defined]
    formatter.for_type(Figure, with_words)


def _install_picture_words() -> None:
    """In IPython, store each shown figure's words (titles, labels, texts) inside its PNG output.

    The inline backend registers its PNG formatter when the first figure is made (lazily), so the
    wrap is tried now and after every cell, before the backend's own ``post_execute`` hook shows
    the cell's figures. The spoiler check (:mod:`helpers.exercises._spoilers`) then reads an answer
    written in a figure title like one printed by a cell. Outside IPython nothing happens.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with the lab and test extras
        return
    shell = get_ipython()
    if shell is None or getattr(shell, "_sh_picture_words", False):
        return
    shell._sh_picture_words = True
    _wrap_png_formatter(shell)
    shell.events.register("post_execute", lambda: _wrap_png_formatter(shell))


_install_picture_words()


# Notebook 05, third edition: the HDC recurrence's three cases as a 1-D picture.
from .gridding import gap_split_view  # noqa: E402,F401

__all__ += ["gap_split_view"]
