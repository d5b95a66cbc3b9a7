"""helpers.animation: frames from a pure view, stored as a player, a key-frame PNG and a GIF.

The player itself is driven in Chromium on built pages in tests/test_kernel_free_pages.py.
"""

from __future__ import annotations

import base64
import io
import json
import re
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from helpers import animation  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def dot(frame: int = 0, colour: str = "C0"):
    """A dot moving right: a different picture for every frame, with a caption."""
    fig, ax = plt.subplots(figsize=(2, 1.5))
    ax.plot([frame], [0], "o", color=colour, markersize=12)
    ax.set_xlim(-1, 6)
    ax.set_title(f"frame {frame}")
    return fig, f"the dot is at x = {frame}"


def plain(frame: int = 0):
    fig, ax = plt.subplots(figsize=(2, 1.5))
    ax.bar([0, 1], [1, frame + 1])
    return fig


def reach(frame: int = 0):
    """Text that reaches further right of the axes in later frames (a legend outside, say)."""
    fig, ax = plt.subplots(figsize=(2, 1.5))
    ax.plot([0, 1], [0, 1])
    ax.text(1.05, 0.5, "label" + " wide" * frame, transform=ax.transAxes)
    return fig


def noise(frame: int = 0):
    rng = np.random.default_rng(frame)
    fig, ax = plt.subplots(figsize=(6, 6))
    ax.imshow(rng.random((400, 400)), cmap="gray", interpolation="nearest")
    return fig


def decode(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


@pytest.fixture(scope="module")
def anim():
    return animation.animate(dot, 5, key_frame=2, title="a moving dot", interval_ms=300)


def test_frames_are_pngs_of_every_frame_and_differ(anim):
    assert len(anim) == len(anim.frames_png) == 5
    assert all(png.startswith(PNG_SIGNATURE) for png in anim.frames_png)
    pictures = [decode(png) for png in anim.frames_png]
    assert len({p.shape for p in pictures}) == 1
    for a, b in zip(pictures, pictures[1:]):
        assert (a != b).any()


def test_captions_come_from_the_view_or_the_argument(anim):
    assert anim.captions == [f"the dot is at x = {i}" for i in range(5)]
    named = animation.animate(plain, 2, captions=["one", "two"])
    assert named.captions == ["one", "two"]
    assert animation.animate(plain, 2).captions == ["", ""]


def test_frames_as_keyword_dicts_equal_frames_as_a_count():
    by_count = animation.animate(dot, 3)
    by_dicts = animation.animate(dot, [{"frame": 0}, {"frame": 1}, {"frame": 2}])
    assert by_count.frames_png == by_dicts.frames_png
    coloured = animation.animate(dot, [{"frame": 1, "colour": "C0"}, {"frame": 1, "colour": "C3"}])
    assert (decode(coloured.frames_png[0]) != decode(coloured.frames_png[1])).any()


def test_the_mime_bundle_has_the_player_the_key_frame_and_short_text(anim):
    bundle = anim._repr_mimebundle_()
    assert set(bundle) == {"text/html", "image/png", "text/plain"}
    assert bundle["text/plain"] == "Animation: 5 frames (a moving dot)"
    assert repr(animation.animate(plain, 1)) == "Animation: 1 frame"
    assert base64.b64decode(bundle["image/png"]) == anim.frames_png[2]
    assert bundle["text/html"] == anim.to_html()


def test_the_player_shows_the_key_frame_without_scripts_and_loads_nothing(anim):
    page = anim.to_html()
    key_src = "data:image/png;base64," + base64.b64encode(anim.frames_png[2]).decode()
    first_img = re.search(r'<img class="sh-anim-frame" src="([^"]+)"', page).group(1)
    assert first_img == key_src
    assert "3 / 5" in page and "the dot is at x = 2" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page), "the player must load nothing from the network"
    # no dead controls where scripts are stripped: the markup outside <script> has no button or input
    static = re.sub(r"<script.*?</script>", "", page, flags=re.S)
    assert "<button" not in static and "<input" not in static
    data = json.loads(re.search(r'<script type="application/json" class="sh-anim-data">(.*?)</script>', page, re.S).group(1))
    controls = data["controls"]
    for label in ("Previous frame", "Play", "Next frame", "Frame"):
        assert f'aria-label="{label}"' in controls
    assert controls.count("<button") == 3 and '<input type="range"' in controls and "3 / 5" in controls
    assert data["key"] == 2 and data["frames"][2] is None and len(data["frames"]) == 5
    assert data["captions"] == anim.captions and data["interval"] == 300
    assert anim.nbytes == len(page.encode()) < animation.MAX_HTML_BYTES


def test_a_caption_cannot_close_the_players_script():
    evil = animation.animate(plain, 2, captions=["</script><b>bold</b>", 'say "hi" & <go>'])
    page = evil.to_html()
    assert page.count("</script>") == 2  # the data block and the player: nothing else closes a script
    assert "<b>bold</b>" not in page


def test_same_inputs_give_the_same_bytes_and_no_metadata(anim):
    again = animation.animate(dot, 5, key_frame=2, title="a moving dot", interval_ms=300)
    assert again.frames_png == anim.frames_png
    assert again.to_html().replace(again.id, anim.id) == anim.to_html()
    for png in anim.frames_png:
        assert b"Software" not in png and b"matplotlib" not in png.lower() and b"tIME" not in png


def test_the_same_bytes_in_a_fresh_interpreter(anim):
    code = (
        "import matplotlib; matplotlib.use('Agg'); import sys; sys.path.insert(0, 'tests');"
        "from test_animation import dot; from helpers import animation;"
        "a = animation.animate(dot, 5, key_frame=2, title='a moving dot', interval_ms=300);"
        "sys.stdout.write(a.to_html())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out == re.sub(r"(sh-anim-[0-9a-f]{12})-[0-9]+", r"\1", anim.to_html())


def test_several_players_on_one_page_have_distinct_ids():
    a = animation.animate(plain, 2)
    b = animation.animate(plain, 2)
    c = animation.animate(plain, 3)
    ids = [re.search(r'<div class="sh-anim" id="([^"]+)"', x.to_html()).group(1) for x in (a, b, c)]
    assert len(set(ids)) == 3


def test_frames_of_different_extents_share_one_canvas_and_nothing_is_cut():
    anim = animation.animate(reach, 4)
    sizes = {Image.open(io.BytesIO(png)).size for png in anim.frames_png}
    assert len(sizes) == 1
    width = sizes.pop()[0]
    fig = reach(3)
    try:  # the widest frame's drawing (text beyond the axes and the figure) fits the canvas
        tight = fig.get_tightbbox(fig.canvas.get_renderer())
        assert width >= tight.width * 72 and width > 2 * 72
    finally:
        plt.close(fig)
    # the axes stay put: frame 0 and frame 3 agree on the left third (axes, no label), up to the
    # palette, while a shift by one pixel would differ by far more
    first, last = (decode(anim.frames_png[i]).astype(int)[:, : width // 3] for i in (0, 3))
    assert np.abs(first - last).max() <= 16
    assert np.abs(np.roll(first, 1, axis=1) - last).max() > 100


def test_every_figure_is_closed_even_when_the_view_fails():
    before = plt.get_fignums()
    animation.animate(dot, 3)
    assert plt.get_fignums() == before

    def bad(frame):
        fig, _ = dot(frame)
        return fig, 3  # not a caption

    with pytest.raises(TypeError, match="view must return a matplotlib Figure"):
        animation.animate(bad, 2)
    assert plt.get_fignums() == before


def test_an_animation_over_the_budget_is_refused_with_advice():
    # frames of noise do not compress: a few fill the budget, and rendering stops there
    calls = []

    def counted(frame):
        calls.append(frame)
        return noise(frame)

    advice = r"more than the 600 kB budget .*: use fewer frames \(now 40\), a lower dpi \(now 100\)"
    with pytest.raises(ValueError, match=advice):
        animation.animate(counted, 40, dpi=100)
    assert len(calls) < 40


def test_the_gif_has_every_frame_its_timing_and_loops(anim, tmp_path):
    path = anim.save_gif(tmp_path / "dot.gif")
    gif = Image.open(path)
    assert gif.n_frames == 5 and gif.info["loop"] == 0 and gif.info["duration"] == 300
    for i, png in enumerate(anim.frames_png):
        gif.seek(i)
        shown = np.asarray(gif.convert("RGB")).astype(int)
        assert shown.shape == decode(png).shape
        assert np.abs(shown - decode(png)).max() <= 16  # the same picture, up to the palette
    assert anim.save_gif(tmp_path / "again.gif").read_bytes() == path.read_bytes()
    once = Image.open(anim.save_gif(tmp_path / "once.gif", loop=1))
    assert once.info["loop"] == 1


@pytest.mark.parametrize(
    "kwargs, exc, words",
    [
        ({"view": "dot"}, TypeError, "view must be a function"),
        ({"frames": 0}, ValueError, "frames must be an integer >= 1"),
        ({"frames": 2.5}, TypeError, "frames must be an int or a list"),
        ({"frames": []}, ValueError, "frames must hold between 1 and 200"),
        ({"frames": [{"frame": 0}, 1]}, TypeError, r"frames\[1\] must be a dict"),
        ({"frames": {"frame": 0}}, TypeError, "frames must be an int or a list"),
        ({"interval_ms": 0}, ValueError, "interval_ms must be an integer >= 20"),
        ({"interval_ms": "fast"}, TypeError, "interval_ms must be an integer"),
        ({"key_frame": 3}, ValueError, "key_frame must be an integer <= 2"),
        ({"key_frame": -1}, ValueError, "key_frame must be an integer >= 0"),
        ({"captions": ["a"]}, ValueError, r"captions must have one string per frame \(3\), got 1"),
        ({"captions": "abc"}, TypeError, "captions must be a list of strings"),
        ({"captions": ["a", 2, "c"]}, TypeError, "captions must be a list of strings"),
        ({"dpi": 5}, ValueError, "dpi must be between 20 and 200"),
        ({"dpi": "72"}, TypeError, "dpi must be a number"),
        ({"title": 3}, TypeError, "title must be a string"),
    ],
)
def test_bad_arguments_name_the_parameter(kwargs, exc, words):
    args = {"view": dot, "frames": 3, **kwargs}
    with pytest.raises(exc, match=words):
        animation.animate(args.pop("view"), args.pop("frames"), **args)


def test_save_gif_checks_its_arguments(anim, tmp_path):
    with pytest.raises(ValueError, match="path must end in .gif"):
        anim.save_gif(tmp_path / "dot.png")
    with pytest.raises(ValueError, match="loop must be an integer >= 0"):
        anim.save_gif(tmp_path / "dot.gif", loop=-1)


def test_importing_helpers_and_the_module_loads_no_matplotlib():
    code = "import sys, helpers; helpers.animation; print('matplotlib' in sys.modules, 'PIL' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_stored_notebooks_and_their_players_stay_within_budget():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    stored = sorted((root / "notebooks").glob("*.ipynb")) + [root / "tests" / "fixtures" / "static_outputs.ipynb"]
    for nb in stored:
        assert nb.stat().st_size <= 5_000_000, f"{nb.name}: {nb.stat().st_size / 1e6:.1f} MB stored (budget 5 MB)"
        for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
            for output in cell.get("outputs", []):
                player = "".join(output.get("data", {}).get("text/html", ""))
                if 'class="sh-anim"' in player:
                    assert len(player.encode()) <= animation.MAX_HTML_BYTES, f"{nb.name}: a player over 600 kB"


def _stored_players():
    """(notebook, cell index, player HTML) of every animation stored in a notebook."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "notebooks"
    for path in sorted(root.glob("[0-9]*.ipynb")):
        for index, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
            for out in cell.get("outputs", []):
                html = "".join(out.get("data", {}).get("text/html", ""))
                if 'class="sh-anim"' in html:
                    yield path.name, index, html


def test_stored_animation_frames_are_drawn_at_least_800_px_wide():
    """Issue 23 item 5: a player's frames are readable natively, not a small PNG stretched by CSS."""
    players = list(_stored_players())
    assert len(players) >= 5, players
    narrow = []
    for name, index, html in players:
        pngs = re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", html)
        assert pngs, (name, index)
        for png in pngs:
            width = Image.open(io.BytesIO(base64.b64decode(png))).size[0]
            if width < 800:
                narrow.append((name, index, width))
    assert not narrow, f"frames narrower than 800 px (raise the cell's dpi): {narrow}"
