"""The audit's operator rules (``helpers/audit/rules.py``) against PyTorch, one operator at a time.

Each test builds a small ``nn.Module`` of the operators one rule covers, at sizes that expose a
plausible bug in that rule (found by ``benchmarks/mutation.py --only audit_rules``), and compares the
public report of :func:`helpers.audit.audit` with PyTorch itself: output sizes from a forward pass,
the input cells an output reaches from ``torch.autograd.grad``, output strides from the layer
definitions. No expected value here comes from ``helpers.audit``. Fast (seconds in total).
"""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402

from helpers import audit  # noqa: E402


def forward_size(model: nn.Module, shape: tuple[int, ...]) -> tuple[int, ...]:
    """The spatial size of the model's output, by a forward pass."""
    with torch.no_grad():
        y = model.eval()(torch.zeros(1, 3, *shape))
    return tuple(y.shape[2:])


def test_transposed_conv_with_output_padding_size():
    model = nn.ConvTranspose2d(3, 2, kernel_size=3, stride=2, padding=2, output_padding=1, dilation=2)
    assert audit(model, (5, 7)).output_size == forward_size(model, (5, 7))
