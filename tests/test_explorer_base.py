"""The explorers' shared base (helpers/explorers/base.py): shared JS functions spliced once, one widget base.

The bundles themselves are checked by the node and browser tests of each explorer; these
tests check what the base adds: a view's ``import { … } from "./explorer_dom.js";`` line
becomes those functions' text (once, no import left), the shared module holds nothing but
self-contained function declarations, a missing name is refused, and the four explorers'
widgets stand on one base whose display pieces come from their own explorer.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers.explorers import base

FOLDER = Path(base.__file__).parent
SHARED = re.compile(r'^import \{ ([\w, ]+) \} from "\./(\w+\.js)";$', flags=re.M)


def _explorers():
    from helpers.explorers import design, gridding, heatmap, static

    return {"conv": static.CONV, "heatmap": heatmap.HEATMAP, "gridding": gridding.GRIDDING, "design": design.DESIGN}


def test_shared_module_holds_only_function_declarations():
    text = (FOLDER / "explorer_dom.js").read_text(encoding="utf-8")
    top = [line for line in text.splitlines() if line and not line.startswith((" ", "//", "}"))]
    assert top and all(re.match(r"export function \w+\(", line) for line in top), top


@pytest.mark.parametrize("name", ["conv", "heatmap", "gridding", "design"])
def test_shared_functions_are_spliced_once(name):
    explorer = _explorers()[name]
    view = (FOLDER / explorer.ui_file).read_text(encoding="utf-8")
    shared = [(n.strip(), f) for names, f in SHARED.findall(view) for n in names.split(",")]
    for kind in ("esm", "classic"):
        bundle = explorer.module_source(kind)
        assert not re.search(r"^import ", bundle, flags=re.M), f"{name} {kind}: an import line is left"
        for function, file in shared:
            assert bundle.count(f"\nfunction {function}(") == 1, (name, kind, function)
            declared = re.search(rf"^export function {function}\(.*?^\}}$", (FOLDER / file).read_text(), flags=re.M | re.S)
            body = "\n".join(line.strip() for line in declared.group(0)[len("export "):].splitlines())
            assert body in bundle, (name, kind, function)


def test_a_name_the_shared_module_lacks_is_refused():
    found = SHARED.search('import { h, nowhere } from "./explorer_dom.js";')
    with pytest.raises(RuntimeError, match="explorer_dom.js must export function nowhere"):
        base._shared_functions(found)


def test_the_four_widgets_stand_on_one_base():
    from helpers import explorers

    made = {"conv": explorers.conv_explorer(n=8, layers=[{"kernel": 3}]), "heatmap": explorers.heatmap_explorer(),
            "gridding": explorers.dilated_stack_explorer(), "design": explorers.design_lab()}  # fmt: skip
    for name, widget in made.items():
        explorer = _explorers()[name]
        assert isinstance(widget, base.widget_base()) and widget._explorer is explorer, name
        assert widget._esm == explorer.module_source("esm"), name
        assert repr(widget) == explorer.summary(widget.state), name
