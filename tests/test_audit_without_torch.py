"""Notebook 08 without PyTorch: it says how to install the extra, and the later cells do nothing.

PyTorch's absence is simulated (``sys.modules["torch"] = None`` makes ``import torch`` fail), so
this runs whether or not the extra is installed.
"""

import sys

import pytest

from helpers import network_audit


@pytest.fixture
def no_torch(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    monkeypatch.setitem(sys.modules, "torchvision", None)


def test_audit_says_how_to_install(no_torch):
    with pytest.raises(ModuleNotFoundError, match=r'pip install "strides-and-holes\[audit\]"'):
        network_audit.audit(object(), 32)


def test_require_torch_skips_the_later_cells(no_torch, capsys):
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        assert network_audit.require_torch() is False
        assert "strides-and-holes[audit]" in capsys.readouterr().out
        result = shell.run_cell("import torch\n1 / 0")  # would raise twice without the guard
        assert result.success
    finally:
        shell.input_transformers_post.clear()
        InteractiveShell.clear_instance()
