"""Widgets of notebook 01 · stride: the per-axis stride explorer and the window animation."""

from __future__ import annotations

import ipywidgets as W
import matplotlib.pyplot as plt  # noqa: F401  (the doctests close their figures with it)
import numpy as np
from matplotlib.figure import Figure

from .. import plots as _plots
from ..arithmetic import conv_output_size as _conv_output_size
from ..arithmetic import effective_kernel_size as _effective_kernel_size
from ..conv import tap_counts as _tap_counts
from ._core import register


def _size_formula(n: int, k: int, s: int, p: int, d: int = 1) -> str:
    """``⌊(N + 2P − K)/S⌋ + 1`` with the numbers substituted (the dilated form when d > 1)."""
    out = _conv_output_size(n, k, stride=s, padding=p, dilation=d)
    if d == 1:
        return f"⌊({n} + 2·{p} − {k}) / {s}⌋ + 1 = ⌊{n + 2 * p - k}/{s}⌋ + 1 = {out}"
    return f"⌊({n} + 2·{p} − {d}·({k} − 1) − 1) / {s}⌋ + 1 = ⌊{n + 2 * p - d * (k - 1) - 1}/{s}⌋ + 1 = {out}"


def _never_visited(n: int, k: int, s: int, p: int, d: int = 1) -> "list[int]":
    return [int(i) for i in np.flatnonzero(_tap_counts(n, k, stride=s, padding=p, dilation=d) == 0)]


def _fits(n: int, k: int, p: int, d: int = 1) -> "str | None":
    """``None`` if the (dilated) kernel fits in the padded input, else the sentence saying why not."""
    span = _effective_kernel_size(k, d)
    if n + 2 * p >= span:
        return None
    what = f"{k}-tap kernel" if d == 1 else f"{k}-tap kernel with dilation {d}"
    return (f"The {what} spans {span} pixels, but the padded input has only {n} + 2·{p} = {n + 2 * p}: "
            f"no window fits, the output would be empty. Use more padding (at least {-(-(span - n) // 2)}), "
            f"a larger input or a smaller kernel.")


def _link_padding(n: W.IntSlider, k: W.IntSlider, p: W.IntSlider, d: "W.IntSlider | None" = None, cap: int = 8) -> None:
    """Keep ``p`` in the range where the kernel fits and every window still touches the input.

    At least ``ceil((span − N)/2)`` (or no window fits), at most ``span − 1`` ("full" padding:
    beyond it, whole windows would read only zeros), where ``span = d(K − 1) + 1``.
    """

    def update(_change: object = None) -> None:
        span = _effective_kernel_size(k.value, d.value if d is not None else 1)
        low = max(0, -(-(span - n.value) // 2))
        high = max(low, min(span - 1, cap))
        p.min = 0  # always valid; then the new max, then the new min (the value is clamped into range)
        p.max = high
        p.min = low

    for control in (n, k, d):
        if control is not None:
            control.observe(update, names="value")
    update()


#: Whether notebook 01's two grid widgets redraw while a slider is dragged. Off: measured in the
#: browser, one change takes 200-300 ms on an idle 2-core machine (benchmarks/README.md, findings 5),
#: above the ~100 ms under which continuous updates keep up with a drag; so, like every other
#: widget, they redraw on release.
CONTINUOUS = False


def _slider(value: int, lo: int, hi: int, description: str, continuous: bool = False) -> W.IntSlider:
    return W.IntSlider(value=value, min=lo, max=hi, description=description, continuous_update=continuous,
                       style={"description_width": "initial"}, layout=W.Layout(width="230px"))


def stride_view(n_h: int = 7, n_w: int = 10, k_h: int = 3, k_w: int = 3, s_h: int = 2, s_w: int = 3,
                p_h: int = 1, p_w: int = 0) -> "tuple[Figure, str]":
    """The grid with the *last* window (the one that decides the output size), and the size formula per axis.

    Height and width follow the same formula independently; pixels that no
    window reads are marked. Never raises: an impossible setting gives a
    sentence.

    Defined in notebook ``01_stride``.

    Examples
    --------
    >>> fig, sentence = stride_view()
    >>> sentence.split("<br>")[0]
    'Height: ⌊(7 + 2·1 − 3) / 2⌋ + 1 = ⌊6/2⌋ + 1 = 4'
    >>> plt.close(fig)
    """
    for axis, (n, k, p) in (("height", (n_h, k_h, p_h)), ("width", (n_w, k_w, p_w))):
        why = _fits(n, k, p)
        if why:
            return _plots.message_figure(f"Along the {axis}: {why}"), f"Along the {axis}: {why}"
    oh = _conv_output_size(n_h, k_h, stride=s_h, padding=p_h)
    ow = _conv_output_size(n_w, k_w, stride=s_w, padding=p_w)
    fig = _plots.sliding_window((n_h, n_w), (k_h, k_w), stride=(s_h, s_w), padding=(p_h, p_w), frame=oh * ow - 1)
    fig.axes[0].set_title(f"the last window that fits → output {oh}×{ow}", fontsize=11, loc="left", pad=10)
    rows, cols = _never_visited(n_h, k_h, s_h, p_h), _never_visited(n_w, k_w, s_w, p_w)
    never = _plots._axis_names(rows, cols)
    sentence = (
        f"Height: {_size_formula(n_h, k_h, s_h, p_h)}<br>"
        f"Width: {_size_formula(n_w, k_w, s_w, p_w)}<br>"
        f"Output {oh}×{ow}; "
        + (f"never visited: {never} (no window reaches {'it' if len(rows) + len(cols) == 1 else 'them'})."
           if never else "every input pixel is read.")
    )
    return fig, sentence


def _stride_controls() -> "dict[str, W.IntSlider]":
    c = {
        "n_h": _slider(7, 3, 12, "N height", CONTINUOUS),
        "n_w": _slider(10, 3, 12, "N width", CONTINUOUS),
        "k_h": _slider(3, 1, 7, "K height", CONTINUOUS),
        "k_w": _slider(3, 1, 7, "K width", CONTINUOUS),
        "s_h": _slider(2, 1, 4, "S height", CONTINUOUS),
        "s_w": _slider(3, 1, 4, "S width", CONTINUOUS),
        "p_h": _slider(1, 0, 2, "P height", CONTINUOUS),
        "p_w": _slider(0, 0, 2, "P width", CONTINUOUS),
    }
    _link_padding(c["n_h"], c["k_h"], c["p_h"])
    _link_padding(c["n_w"], c["k_w"], c["p_w"])
    return c


stride_explorer = register("stride_explorer", stride_view, _stride_controls,
                           title="Stride explorer: input size N, kernel K, stride S, padding P per axis")


def window_view(n: int = 8, kernel: int = 3, stride: int = 2, padding: int = 0, frame: int = 0) -> "tuple[Figure, str]":
    """One step of the sliding window (an animation frame), with what it computes.

    ``frame`` beyond the last window is clamped to the last window. Never raises.

    Defined in notebook ``01_stride``.

    Examples
    --------
    >>> fig, sentence = window_view(8, 3, 2, 0, frame=4)
    >>> sentence
    'Step 5 of 9: output (1, 1) = sum over input rows 2–4, columns 2–4 (top-left corner at padded position (2, 2) = (row 1 × S, column 1 × S)).'
    >>> plt.close(fig)
    """
    why = _fits(n, kernel, padding)
    if why:
        return _plots.message_figure(why), why
    out = _conv_output_size(n, kernel, stride=stride, padding=padding)
    frame = min(max(int(frame), 0), out * out - 1)
    fig = _plots.sliding_window(n, kernel, stride=stride, padding=padding, frame=frame)
    oi, oj = divmod(frame, out)
    r0, c0 = oi * stride - padding, oj * stride - padding
    sentence = (
        f"Step {frame + 1} of {out * out}: output ({oi}, {oj}) = sum over input rows "
        f"{_plots._span_text(r0, r0 + kernel - 1, n)}, columns {_plots._span_text(c0, c0 + kernel - 1, n)} (top-left corner at padded position ({oi * stride}, {oj * stride}) "
        f"= (row {oi} × S, column {oj} × S))."
    )
    return fig, sentence


def _window_controls() -> "dict[str, W.IntSlider]":
    c = {
        "n": _slider(8, 3, 10, "N", CONTINUOUS),
        "kernel": _slider(3, 1, 5, "K", CONTINUOUS),
        "stride": _slider(2, 1, 4, "S", CONTINUOUS),
        "padding": _slider(0, 0, 2, "P", CONTINUOUS),
        "frame": _slider(0, 0, 8, "step", CONTINUOUS),
    }
    _link_padding(c["n"], c["kernel"], c["padding"])

    def update_frames(_change: object = None) -> None:
        n, k, s, p = (c[name].value for name in ("n", "kernel", "stride", "padding"))
        if _fits(n, k, p) is None:
            c["frame"].max = _conv_output_size(n, k, stride=s, padding=p) ** 2 - 1

    for name in ("n", "kernel", "stride", "padding"):
        c[name].observe(update_frames, names="value")
    update_frames()
    return c


_window_animation_box = register("window_animation", window_view, _window_controls,
                                 title="The sliding window, one step at a time (press ▶ or drag 'step')")


def window_animation() -> W.VBox:
    """The step widget with a play control: an ``ipywidgets.Play`` drives the *step* slider.

    The ``Play`` is linked to the slider in the browser (``jslink``), value and
    range, so pressing ▶ moves the window one position per tick for any
    ``N, K, S, P``; every tick redraws like a drag of the slider would.

    Defined in notebook ``01_stride``.

    Examples
    --------
    >>> box = window_animation()
    >>> controls = box.children[1].children
    >>> play = next(c for c in controls if isinstance(c, W.Play))
    >>> step = next(c for c in controls if getattr(c, "description", "") == "step")
    >>> (play.min, play.max) == (step.min, step.max)
    True
    """
    box = _window_animation_box()
    row = box.children[1]
    step = next(c for c in row.children if getattr(c, "description", "") == "step")
    play = W.Play(value=step.value, min=step.min, max=step.max, step=1, interval=700, description="play",
                  layout=W.Layout(width="auto"))
    W.jslink((play, "value"), (step, "value"))
    W.jslink((play, "max"), (step, "max"))
    play.max = step.max  # jslink syncs only in a browser; keep the Python-side models equal as well
    step.observe(lambda change: setattr(play, "max", change["new"]), names="max")
    row.children = (*[c for c in row.children if c is not step], play, step)
    return box


