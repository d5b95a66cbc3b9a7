"""Animations stored in a cell's output, so that motion plays without a kernel.

:func:`animate` calls a pure *view* function once per frame, renders each
matplotlib figure to a small PNG, and returns an :class:`Animation`. Displayed
in a notebook, it stores three forms of itself in the cell's output:

``text/html``
    A self-contained player (inline JavaScript, no CDN): play/pause, step back
    and forward, a frame slider, a frame counter ("3 / 12") and the frame's
    caption. The key frame is an ordinary ``<img>``, so a page whose scripts do
    not run still shows it. Used by JupyterLab, nbviewer and the website.
``image/png``
    The key frame alone, for renderers that show no HTML.
``text/plain``
    ``Animation: 12 frames (title)``: short and deterministic, so nbval can
    compare it.

:meth:`Animation.save_gif` writes the same frames as a looping GIF (for the
README). The same inputs give the same bytes every time: PNGs carry no
software or date metadata, and the player's id is derived from its content.

Budget: a player may take at most 600 kB (``MAX_HTML_BYTES``; a stored notebook
should stay under about 5 MB). Frames are palette PNGs; measured on the course's
views, a grid figure (``plots.sliding_window``, ``plots.dilated_window``) takes 5 to 13 kB per frame
at dpi 72 to 100, ``plots.rf_stack_figure`` 15 to 20 kB, a colour-mapped image
(``plots.heatmap_cell``) 33 to 52 kB; base64 adds a third. So about 40 grid frames fit,
or about 10 image frames at dpi 72. :func:`animate` refuses more, with advice.

This module imports matplotlib and Pillow only when a figure is rendered.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import math
import numbers
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Callable

from ._validate import check_int
from ._pngtext import add_words, figure_words

__all__ = ["Animation", "animate", "MAX_HTML_BYTES"]

#: The largest player (``text/html``) :func:`animate` accepts, in bytes.
MAX_HTML_BYTES = 600_000

#: Colours of each frame's palette (PNG and GIF): enough for anti-aliased text and colour maps.
PALETTE_COLORS = 128

_seen_ids: dict[str, int] = {}


class Animation:
    """Frames (PNG bytes) with their captions and a player; made by :func:`animate`.

    Attributes
    ----------
    frames_png : list of bytes
        Each frame as a PNG file.
    captions : list of str
        One caption per frame ("" when there is none).
    interval_ms : int
        Milliseconds between frames while playing.
    key_frame : int
        The frame shown before playing, and wherever scripts do not run.
    title : str
        A short name, in the text form and the player's accessible label.
    """

    def __init__(self, frames_png: list[bytes], captions: list[str], *, interval_ms: int, key_frame: int, title: str) -> None:
        self.frames_png = list(frames_png)
        self.captions = list(captions)
        self.interval_ms = interval_ms
        self.key_frame = key_frame
        self.title = title
        digest = hashlib.sha256()
        for png, caption in zip(self.frames_png, self.captions):
            digest.update(png)
            digest.update(caption.encode())
        digest.update(f"{interval_ms}/{key_frame}/{title}".encode())
        base = f"sh-anim-{digest.hexdigest()[:12]}"
        # The same content twice in one kernel gets a second id: several players on a page never clash,
        # and a fresh top-to-bottom run still gives the same ids.
        _seen_ids[base] = _seen_ids.get(base, 0) + 1
        self.id = base if _seen_ids[base] == 1 else f"{base}-{_seen_ids[base]}"
        self._html: str | None = None

    def __len__(self) -> int:
        return len(self.frames_png)

    def __repr__(self) -> str:
        named = f" ({self.title})" if self.title else ""
        return f"Animation: {len(self)} frame{'s' if len(self) != 1 else ''}{named}"

    @property
    def nbytes(self) -> int:
        """Size of the player (:meth:`to_html`, UTF-8) in bytes."""
        return len(self.to_html().encode("utf-8"))

    def _alt(self, index: int) -> str:
        parts = [self.title or "Animation", f"frame {index + 1} of {len(self)}"]
        if self.captions[index]:
            parts.append(self.captions[index])
        return ": ".join(parts[:2]) + (f". {parts[2]}" if len(parts) > 2 else "")

    def to_html(self) -> str:
        """The self-contained player: key frame as ``<img>``, controls and inline script."""
        if self._html is None:
            self._html = _player_html(self)
        return self._html

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {
            "text/html": self.to_html(),
            "image/png": base64.b64encode(self.frames_png[self.key_frame]).decode("ascii"),
            "text/plain": repr(self),
        }

    def save_gif(self, path: str | Path, *, loop: int = 0) -> Path:
        """Write the frames as a GIF (``loop=0``: repeat for ever) and return its path.

        Each frame lasts ``interval_ms``; captions are not drawn (put words in the figure).
        """
        from PIL import Image

        loop = check_int("loop", loop, 0, 65535)
        path = Path(path)
        if path.suffix.lower() != ".gif":
            raise ValueError(f"path must end in .gif, got {str(path)!r}")
        frames = [Image.open(io.BytesIO(png)) for png in self.frames_png]
        frames = [f.convert("RGB").quantize(PALETTE_COLORS, dither=Image.Dither.NONE) for f in frames]
        frames[0].save(
            path, save_all=True, append_images=frames[1:], duration=self.interval_ms, loop=loop, optimize=False, disposal=1
        )
        return path


def animate(
    view: Callable[..., Any],
    frames: int | Sequence[Mapping[str, Any]],
    *,
    interval_ms: int = 600,
    key_frame: int = 0,
    captions: Sequence[str] | None = None,
    dpi: float = 72,
    title: str = "",
) -> Animation:
    """Render ``view`` once per frame and return an :class:`Animation` that plays in the output.

    Parameters
    ----------
    view : callable
        A pure function returning a matplotlib ``Figure``, or ``(Figure, str)``
        where the string is the frame's caption. Each figure is cropped to its
        drawing as Jupyter shows figures (legends outside the axes included),
        and all frames are placed on one canvas, the union of their extents.
    frames : int or list of dict
        One dict of keyword arguments per frame (``view(**frames[i])``), or an
        int ``n`` meaning ``view(frame=i)`` for ``i`` in ``range(n)``.
    interval_ms : int
        Milliseconds between frames while playing (20 to 10000).
    key_frame : int
        The frame shown before playing and where scripts do not run (GitHub).
    captions : list of str, optional
        One caption per frame; otherwise the strings the view returns, if any.
    dpi : float
        Resolution of the PNG frames (20 to 200). A 6×3-inch drawing at 72 dpi
        is 432×216 pixels.
    title : str
        A short name for the text form and the player's accessible label.

    Returns
    -------
    Animation
        Raises ``ValueError`` if its player would exceed ``MAX_HTML_BYTES``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> def dot(frame):
    ...     fig, ax = plt.subplots(figsize=(1, 1))
    ...     ax.plot([frame], [0], "o")
    ...     ax.set_xlim(-1, 3)
    ...     return fig, f"x = {frame}"
    >>> anim = animate(dot, 3, title="a moving dot")
    >>> anim
    Animation: 3 frames (a moving dot)
    >>> anim.captions
    ['x = 0', 'x = 1', 'x = 2']
    >>> anim.frames_png[0][:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    True
    >>> animate(dot, 3, key_frame=3)
    Traceback (most recent call last):
    ...
    ValueError: key_frame must be an integer <= 2, got 3
    """
    if not callable(view):
        raise TypeError(f"view must be a function returning a matplotlib Figure, got {view!r}")
    kwargs_list = _frame_kwargs(frames)
    n = len(kwargs_list)
    interval_ms = check_int("interval_ms", interval_ms, 20, 10_000)
    key_frame = check_int("key_frame", key_frame, 0, n - 1)
    if isinstance(dpi, bool) or not isinstance(dpi, numbers.Real):
        raise TypeError(f"dpi must be a number, got {dpi!r} ({type(dpi).__name__})")
    if not 20 <= dpi <= 200:
        raise ValueError(f"dpi must be between 20 and 200, got {dpi}")
    if not isinstance(title, str):
        raise TypeError(f"title must be a string, got {title!r} ({type(title).__name__})")
    if captions is not None:
        if isinstance(captions, str) or not isinstance(captions, Sequence):
            raise TypeError(f"captions must be a list of strings (one per frame), got {type(captions).__name__}")
        if len(captions) != n:
            raise ValueError(f"captions must have one string per frame ({n}), got {len(captions)}")
        if not all(isinstance(c, str) for c in captions):
            raise TypeError("captions must be a list of strings (one per frame)")

    images, pngs, boxes, returned = [], [], [], []
    for i, kwargs in enumerate(kwargs_list):
        image, box, caption = _render(view, kwargs, float(dpi), i)
        images.append(image)
        pngs.append(_png(image))
        boxes.append(box)
        returned.append(caption)
        so_far = sum(len(png) for png in pngs) * 4 // 3  # base64 in the player
        if so_far > MAX_HTML_BYTES:  # stop early rather than draw frames that cannot be used
            raise ValueError(_over_budget(so_far, n, dpi, f"after {i + 1} of {n} frames"))
    pngs = _on_common_canvas(images, pngs, boxes, float(dpi))
    pngs = [add_words(png, image.info.get("sh_words", "")) for png, image in zip(pngs, images)]
    anim = Animation(pngs, list(captions) if captions is not None else returned,
                     interval_ms=interval_ms, key_frame=key_frame, title=title)  # fmt: skip
    if anim.nbytes > MAX_HTML_BYTES:
        raise ValueError(_over_budget(anim.nbytes, n, dpi, "in all"))
    return anim


def _over_budget(nbytes: int, n: int, dpi: float, when: str) -> str:
    return (
        f"the animation would take more than the {MAX_HTML_BYTES // 1000} kB budget of the notebook "
        f"({nbytes / 1000:.0f} kB {when}): use fewer frames (now {n}), a lower dpi (now {dpi:g}) "
        f"or a smaller figsize"
    )


def _frame_kwargs(frames: Any) -> list[dict[str, Any]]:
    if isinstance(frames, numbers.Integral) and not isinstance(frames, bool):
        n = check_int("frames", frames, 1, 200)
        return [{"frame": i} for i in range(n)]
    if isinstance(frames, (str, bytes, Mapping)) or not isinstance(frames, Sequence):
        raise TypeError(f"frames must be an int or a list of dicts of keyword arguments, got {type(frames).__name__}")
    if not 1 <= len(frames) <= 200:
        raise ValueError(f"frames must hold between 1 and 200 frames, got {len(frames)}")
    for i, kwargs in enumerate(frames):
        if not isinstance(kwargs, Mapping):
            raise TypeError(f"frames[{i}] must be a dict of keyword arguments for view, got {type(kwargs).__name__}")
    return [dict(kwargs) for kwargs in frames]


def _render(view: Callable[..., Any], kwargs: dict[str, Any], dpi: float, index: int) -> tuple[Any, Any, str]:
    """One frame as an RGB image cropped to its drawing (as Jupyter's inline backend does), its box
    in inches (figure coordinates), and the caption the view returned ('' if none)."""
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure
    from PIL import Image

    result = view(**kwargs)
    caption = ""
    if isinstance(result, tuple) and len(result) == 2 and isinstance(result[1], str):
        result, caption = result
    if not isinstance(result, Figure):
        if isinstance(result, tuple):
            for item in result:
                if isinstance(item, Figure):
                    plt.close(item)
        raise TypeError(f"view must return a matplotlib Figure or (Figure, str); frame {index} gave {type(result).__name__}")
    buffer = io.BytesIO()
    try:
        box = result.get_tightbbox(result.canvas.get_renderer()).padded(0.1)
        # a box with whole pixels at the top-left corner, so frames line up exactly on the canvas
        box = _snap(box, dpi)
        words = figure_words(result)
        result.savefig(buffer, format="png", dpi=dpi, bbox_inches=box, facecolor="white", metadata={"Software": None})
    finally:
        plt.close(result)
    image = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    image.info["sh_words"] = words  # the frame's titles and labels, stored in its PNG (helpers._pngtext)
    return image, box, caption


def _snap(box: Any, dpi: float) -> Any:
    from matplotlib.transforms import Bbox

    x0 = math.floor(box.x0 * dpi) / dpi
    y1 = math.ceil(box.y1 * dpi) / dpi
    return Bbox.from_extents(x0, box.y0, box.x1, y1)


def _png(image: Any) -> bytes:
    """A palette PNG of an RGB image: small, and the same bytes for the same picture."""
    from PIL import Image

    out = io.BytesIO()
    image.quantize(PALETTE_COLORS, dither=Image.Dither.NONE).save(out, format="PNG", optimize=True)
    return out.getvalue()


def _on_common_canvas(images: list[Any], pngs: list[bytes], boxes: list[Any], dpi: float) -> list[bytes]:
    """Place every frame on one canvas (the union of their boxes), so nothing jumps or is cut."""
    from PIL import Image

    left = min(b.x0 for b in boxes)
    top = max(b.y1 for b in boxes)
    offsets = [(round((b.x0 - left) * dpi), round((top - b.y1) * dpi)) for b in boxes]
    width = max(dx + im.width for (dx, _), im in zip(offsets, images))
    height = max(dy + im.height for (_, dy), im in zip(offsets, images))
    placed = []
    for (dx, dy), image, png in zip(offsets, images, pngs):
        if image.size != (width, height):
            canvas = Image.new("RGB", (width, height), "white")
            canvas.paste(image, (dx, dy))
            png = _png(canvas)
        placed.append(png)
    return placed


_STYLE = (
    ".sh-anim{font-family:system-ui,sans-serif;font-size:14px;max-width:100%;margin:0 0 8px}"
    # frames are shown at least 800 px wide (or the page's width), so their text stays readable
    ".sh-anim img{max-width:100%;min-width:min(800px,100%);height:auto;display:block}"
    ".sh-anim-controls{display:flex;flex-wrap:wrap;align-items:center;gap:6px;margin:4px 0}"
    ".sh-anim-controls button{font:inherit;padding:2px 10px;min-width:2.4em;cursor:pointer}"
    ".sh-anim-controls input{flex:1 1 160px;max-width:320px}"
    ".sh-anim-counter{font-variant-numeric:tabular-nums;min-width:4.5em}"
    ".sh-anim-caption{margin:2px 0;min-height:1.2em}"
)

# The player: found from its own <script> (document.currentScript), or by id as a fallback.
_SCRIPT = """(function () {
  var root = (document.currentScript && document.currentScript.parentNode) || document.getElementById(%(id)s);
  if (!root || root.getAttribute("data-ready")) return;
  root.setAttribute("data-ready", "1");
  // keys pressed in the player are its own: JupyterLab's shortcuts (arrows move between cells) skip it
  root.setAttribute("data-lm-suppress-shortcuts", "true");
  var data = JSON.parse(root.querySelector("script.sh-anim-data").textContent);
  var img = root.querySelector("img.sh-anim-frame"), bar = document.createElement("div");
  bar.className = "sh-anim-controls";
  bar.innerHTML = data.controls;
  img.insertAdjacentElement("afterend", bar);
  var slider = root.querySelector("input.sh-anim-slider");
  var counter = root.querySelector(".sh-anim-counter"), caption = root.querySelector(".sh-anim-caption");
  var play = root.querySelector("button.sh-anim-play"), n = data.frames.length, i = data.key, timer = null;
  var srcs = data.frames.map(function (b) { return b === null ? img.getAttribute("src") : "data:image/png;base64," + b; });
  function show(k) {
    i = (k + n) %% n;
    img.src = srcs[i]; img.alt = data.alts[i]; slider.value = i;
    counter.textContent = (i + 1) + " / " + n; caption.textContent = data.captions[i];
    root.setAttribute("data-frame", i);
  }
  function stop() {
    if (timer !== null) { clearInterval(timer); timer = null; }
    play.textContent = "\\u25B6 Play"; play.setAttribute("aria-label", "Play");
  }
  function start() {
    if (i === n - 1) show(0);
    timer = setInterval(function () { if (i === n - 1) { stop(); } else { show(i + 1); } }, data.interval);
    play.textContent = "\\u275A\\u275A Pause"; play.setAttribute("aria-label", "Pause");
  }
  play.addEventListener("click", function () { if (timer === null) start(); else stop(); });
  root.querySelector("button.sh-anim-prev").addEventListener("click", function () { stop(); show(i - 1); });
  root.querySelector("button.sh-anim-next").addEventListener("click", function () { stop(); show(i + 1); });
  slider.addEventListener("input", function () { stop(); show(parseInt(slider.value, 10)); });
  // arrows, Home and End step the frames the same way in every page (JupyterLab included)
  slider.addEventListener("keydown", function (e) {
    var to = {ArrowLeft: i - 1, ArrowDown: i - 1, ArrowRight: i + 1, ArrowUp: i + 1, Home: 0, End: n - 1}[e.key];
    if (to === undefined) return;
    e.preventDefault(); e.stopPropagation(); stop(); show(Math.max(0, Math.min(n - 1, to)));
  });
  show(i);
})();"""


def _player_html(anim: Animation) -> str:
    n, key = len(anim), anim.key_frame
    frames = [None if i == key else base64.b64encode(png).decode("ascii") for i, png in enumerate(anim.frames_png)]
    # The controls exist only where the script runs: no dead buttons where scripts are stripped
    # (GitHub, an untrusted notebook in JupyterLab, whose sanitiser also drops the hidden attribute).
    controls = (
        '<button type="button" class="sh-anim-prev" aria-label="Previous frame" title="Previous frame">&#10073;&#9664;</button>'
        '<button type="button" class="sh-anim-play" aria-label="Play">&#9654; Play</button>'
        '<button type="button" class="sh-anim-next" aria-label="Next frame" title="Next frame">&#9654;&#10073;</button>'
        f'<input type="range" class="sh-anim-slider" min="0" max="{n - 1}" step="1" value="{key}" aria-label="Frame">'
        f'<span class="sh-anim-counter" aria-live="polite">{key + 1} / {n}</span>'
    )
    data = {"frames": frames, "captions": anim.captions, "alts": [anim._alt(i) for i in range(n)],
            "interval": anim.interval_ms, "key": key, "controls": controls}  # fmt: skip
    # "</" never appears inside the inline JSON, so it cannot close its <script> element
    payload = json.dumps(data, ensure_ascii=True, separators=(",", ":")).replace("</", "<\\/")
    key_src = "data:image/png;base64," + base64.b64encode(anim.frames_png[key]).decode("ascii")
    label = html.escape(anim.title or "Animation", quote=True)
    esc = lambda s: html.escape(s, quote=True)  # noqa: E731
    script = _SCRIPT % {"id": json.dumps(anim.id)}
    return (
        f'<div class="sh-anim" id="{anim.id}" role="group" aria-label="{label}" data-frame="{key}" data-frames="{n}">'
        f"<style>{_STYLE}</style>"
        f'<img class="sh-anim-frame" src="{key_src}" alt="{esc(anim._alt(key))}">'
        f'<div class="sh-anim-caption">{esc(anim.captions[key])}</div>'
        f'<script type="application/json" class="sh-anim-data">{payload}</script>'
        f"<script>{script}</script>"
        f"</div>"
    )
