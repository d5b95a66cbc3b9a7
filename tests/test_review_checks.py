"""Two reviewer checks on the stored notebooks (issue 18, item 6):

- no picture twice in a row (a figure followed by a widget or explorer showing the same image);
- the spoiler check reads pictures' words too: figure titles, labels and legends stored in their
  PNGs, animation frames, and HTML alt/title text.
Each is shown failing on a fixture that has the defect.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest
from PIL import Image

from helpers._pngtext import add_words
from helpers.exercises import Exercise
from helpers.exercises._spoilers import find_spoilers
from helpers.review import repeated_pictures

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_no_picture_twice_in_a_row(notebook):
    repeats = repeated_pictures(notebook)
    assert not repeats, f"{notebook.name}: the same picture twice in a row at cells {repeats}; keep one"


def _png(colour: int = 0, words: str = "") -> bytes:
    buf = io.BytesIO()
    Image.new("L", (60, 30), colour).save(buf, format="PNG")
    return add_words(buf.getvalue(), words) if words else buf.getvalue()


def _picture_output(png: bytes, html: str | None = None) -> dict:
    data = {"image/png": base64.b64encode(png).decode(), "text/plain": "<Figure>"}
    if html is not None:
        data["text/html"] = html
    return {"output_type": "display_data", "data": data, "metadata": {}}


def test_repeated_picture_fixture_fails_and_a_different_one_passes():
    same = {"cells": [{"cell_type": "code", "source": "fig", "outputs": [_picture_output(_png(0))]},
                      {"cell_type": "markdown", "source": "Now move the slider."},
                      {"cell_type": "code", "source": "widget", "outputs": [_picture_output(_png(0))]}]}
    assert [r[:2] for r in repeated_pictures(same)] == [(0, 2)]
    different = {"cells": [same["cells"][0], {"cell_type": "code", "source": "w", "outputs": [_picture_output(_png(255))]}]}
    assert repeated_pictures(different) == []


EXERCISE = Exercise(key="99-never-visited", question="Which row is never visited?", expected=lambda: 19,
                    hint="look past the last window", explanation=lambda: "row 19")


def _with_question(output: dict) -> dict:
    return {"cells": [{"cell_type": "code", "source": "animation", "outputs": [output]},
                      {"cell_type": "markdown", "source": "Which row is never visited?"},
                      {"cell_type": "code", "source": 'exercises.check("99-never-visited", None)', "outputs": []}]}


@pytest.mark.parametrize("where", ["figure title in the PNG", "animation frame inside HTML", "alt text"])
def test_spoiler_check_reads_the_words_of_pictures(where):
    words = "never visited: row 19 and column 19"
    if where == "figure title in the PNG":
        output = _picture_output(_png(0, words))
    elif where == "animation frame inside HTML":
        frame = base64.b64encode(_png(0, words)).decode()
        output = _picture_output(_png(0), html=f'<div><script>const frames = ["{frame}"];</script></div>')
    else:
        output = _picture_output(_png(0), html=f'<img alt="{words}" src="x.png">')
    found = find_spoilers(_with_question(output), exercises={EXERCISE.key: EXERCISE})
    assert [(s.key, s.cell, s.form) for s in found][:1] == [("99-never-visited", 0, "19")]


def test_a_picture_without_the_answer_is_not_a_spoiler():
    output = _picture_output(_png(0, "window 1 of 9: output (0, 0)"), html='<img alt="a window" src="x.png">')
    assert find_spoilers(_with_question(output), exercises={EXERCISE.key: EXERCISE}) == []
