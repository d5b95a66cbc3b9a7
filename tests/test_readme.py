"""The README (and the website's first page) as a learner meets them: picture, contents, claims."""

import re
from pathlib import Path

import numpy as np

from helpers import publish
from helpers.gridding import coverage_map, dilated_stack

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
ROW = re.compile(r"^\| (\d\d) \| \[([^\]]+)\]\(notebooks/([^)]+\.ipynb)\) \| (.+?) \|$", re.M)


def test_readme_picture_exists_and_is_the_generated_one():
    images = [src for src in re.findall(r"!\[[^\]]+\]\(([^)\s]+)\)", README) if "://" not in src]  # not the badges
    assert images, "the README should open with a picture"
    first = ROOT / images[0]
    assert first.is_file() and first.read_bytes()[:4] == b"\x89PNG", images[0]
    assert first == publish.README_FIGURE, "the picture comes from `python -m helpers.publish readme-figure`"
    assert first.stat().st_size < 300_000, "keep the picture small"
    # the picture comes before the contents table, the contents before the set-up
    assert README.index(images[0]) < README.index("## Contents") < README.index("## Run it") < README.index("## For contributors")


def test_website_first_page_shows_the_same_picture():
    intro = (ROOT / "book" / "intro.md").read_text(encoding="utf-8")
    shown = re.findall(r"!\[[^\]]+\]\(([^)\s]+)\)", intro)
    assert shown and (ROOT / "book" / shown[0]).resolve() == publish.README_FIGURE


def test_readme_contents_lists_every_notebook_with_its_question():
    rows = ROW.findall(README)
    listed = [name for _, _, name, _ in rows]
    assert sorted(listed) == NOTEBOOKS, "one contents row per notebook in notebooks/, each linking to a file that exists"
    assert len(set(listed)) == len(listed)
    for number, title, name, question in rows:
        assert name.startswith(number + "_"), (number, name)
        assert question.rstrip().endswith("?"), f"row {number} should say the question its notebook answers"


def test_readme_caption_claims_hold():
    # "With dilation 2 in every layer most pixels of its window are holes; with rates 1, 2, 5 every pixel is reached."
    holes, full = publish.README_FIGURE_RATES
    assert holes == (2, 2, 2) and full == (1, 2, 5)
    left, right = coverage_map(dilated_stack(holes)), coverage_map(dilated_stack(full))
    assert np.count_nonzero(left == 0) > left.size / 2
    assert np.count_nonzero(right == 0) == 0
    assert "rates 1, 2, 5" in README and "dilation 2 in every layer" in README


def test_website_first_page_matches_the_readme():
    intro = (ROOT / "book" / "intro.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d\d) \| \{doc\}`([^<`]+) <\.\./notebooks/([^>]+)>` \| (.+?) \|$", intro, re.M)
    readme_rows = [(n, t, name.removesuffix(".ipynb"), q) for n, t, name, q in ROW.findall(README)]
    assert [(n, t.strip(), stem, q) for n, t, stem, q in rows] == readme_rows
    lab = 'python3 -m venv .venv && . .venv/bin/activate && pip install -e ".[lab]" && python -m helpers.notebook_tools enable-save-hook && jupyter lab --notebook-dir=. notebooks/00_start_here.ipynb'
    assert lab in intro.splitlines() and lab in README.splitlines()
