"""Strides & Holes: the formulas, reference code, figures and explorers of the course.

``import helpers`` loads only numpy-based modules; ``helpers.plots`` (matplotlib),
``helpers.widgets`` (ipywidgets), ``helpers.animation`` (matplotlib, Pillow) and
``helpers.explorers`` (anywidget) are imported on first use, and PyTorch only when
:func:`helpers.audit` runs.
"""

from __future__ import annotations

import importlib
from typing import Any

from . import exercises
from .arithmetic import (
    conv_output_size,
    effective_kernel_size,
    encoder_decoder_size,
    heatmap_size,
    scale_dimension,
    same_padding,
    tf_output_size,
    transposed_output_size,
)
from .conv import (
    batch_to_space,
    bilinear_upsample,
    conv2d,
    conv_transpose2d,
    dilate_kernel,
    effective_receptive_field,
    erf_std,
    space_to_batch,
    tap_counts,
    tap_residues,
    uniform_erf_std,
)
from .design import DesignReport, cell_collision_fraction, design_report, find_peaks
from .gridding import (
    CoverageStats,
    HDCReport,
    coverage_map,
    coverage_stats,
    dilated_stack,
    hdc_max_gap,
    hdc_report,
    coverage_build_up,
    is_hdc,
    probe_image,
    stack_response,
    valid_weight_fraction,
)
from .audit import AuditReport, AuditRow, audit
from .audit.measure import VerifyResult
from .receptive import (
    Layer,
    RFRow,
    alexnet,
    context_module,
    output_sizes,
    output_stride,
    receptive_field,
    resnet50,
    resnet50_with_head,
    rf_table,
    vgg16,
    LayerCost,
    cell_centers,
    layer_costs,
    resnet50_costs,
    ConeLevel,
    rf_cone,
)

__version__ = "0.1.0"

__all__ = [
    "conv_output_size",
    "effective_kernel_size",
    "same_padding",
    "tf_output_size",
    "transposed_output_size",
    "heatmap_size",
    "encoder_decoder_size",
    "scale_dimension",
    "Layer",
    "RFRow",
    "receptive_field",
    "output_stride",
    "output_sizes",
    "vgg16",
    "alexnet",
    "resnet50",
    "resnet50_with_head",
    "context_module",
    "rf_table",
    "conv2d",
    "conv_transpose2d",
    "effective_receptive_field",
    "tap_counts",
    "tap_residues",
    "dilate_kernel",
    "space_to_batch",
    "batch_to_space",
    "erf_std",
    "uniform_erf_std",
    "coverage_map",
    "hdc_max_gap",
    "is_hdc",
    "valid_weight_fraction",
    "dilated_stack",
    "CoverageStats",
    "coverage_stats",
    "HDCReport",
    "hdc_report",
    "coverage_build_up",
    "stack_response",
    "probe_image",
    "bilinear_upsample",
    "DesignReport",
    "design_report",
    "cell_collision_fraction",
    "find_peaks",
    "exercises",
    "plots",
    "widgets",
    "animation",
    "explorers",
    "cell_centers",
    "LayerCost",
    "layer_costs",
    "resnet50_costs",
    "audit",
    "AuditReport",
    "AuditRow",
    "VerifyResult",
    "ConeLevel",
    "rf_cone",
]

_LAZY = ("plots", "widgets", "animation", "explorers")


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'helpers' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


# Notebook 05, third edition: gridding by each of its three definitions, the pieces a gap splits into.
from .gridding import GriddingKinds, gap_pieces, gridding_by_definition  # noqa: E402

__all__ += ["GriddingKinds", "gap_pieces", "gridding_by_definition"]
