"""Claims of notebook 03 · receptive field, each with its domain and a brute-force sweep.

The checks never use the recurrences of ``helpers.receptive``: they walk one output back through the
layers with plain index arithmetic (the input positions a tap of a window can land on), and measure
the receptive field as the span of the positions reached.
"""

from __future__ import annotations

from ._core import Domain, claim


def _field(layers: "list[tuple[int, int, int]]") -> int:
    """Span of the input positions one output reaches, by listing every tap: layers as (k, s, d), input first.

    Padding only shifts positions, so it is left out; the span is the same for every output.
    """
    reached = {0}
    for k, s, d in reversed(layers):
        reached = {i * s + a * d for i in reached for a in range(k)}
    return max(reached) - min(reached) + 1


_KS = (2, 3, 4, 5)


def _torch_field(layers: "list[tuple[int, int, int]]") -> int:
    """Span of the input rows with a non-zero gradient of one output of a PyTorch conv1d stack (ones)."""
    import torch

    r = _field(layers)
    n = 2 * r + 8                                   # room for the whole field of the first output
    x = torch.ones(1, 1, n, requires_grad=True)
    y = x
    for k, s, d in layers:
        y = torch.nn.functional.conv1d(y, torch.ones(1, 1, k), stride=s, dilation=d)
    y[0, 0, 0].backward()
    rows = torch.nonzero(x.grad[0, 0]).flatten()
    return int(rows.max() - rows.min() + 1)


def _torch_periodic():
    """The periodic stacks of the sweep (periods 1–3) through PyTorch's conv1d and autograd."""
    for k in (2, 3):
        for g in (2, 3):
            for m in (1, 3):
                for how in ("stride", "rate"):
                    stack = [(k, g if (how == "stride" and i % m == m - 1) else 1,
                              g ** (i // m) if how == "rate" else 1) for i in range(3 * m)]
                    a = _torch_field(stack[:m]) - 1
                    for j in range(1, 4):
                        if _torch_field(stack[: j * m]) != 1 + a * (g ** j - 1) // (g - 1):
                            yield {"k": k, "s": g, "layers": m, "rates": how, "offset": j}


@claim(
    "nb03-periodic-exponential",
    statement="When the jump or the rate is multiplied by g ≥ 2 once every m layers (a stride g every m-th "
              "layer, or rates multiplied by g every m layers), the field after j periods is "
              "1 + A·(g^j − 1)/(g − 1), with A = r after one period − 1: a geometric series, exponential in "
              "depth, not only when every layer doubles.",
    domain=Domain(params={"k": _KS, "s": (2, 3), "layers": (1, 2, 3), "rates": ("stride", "rate"),
                          "offset": tuple(range(1, 6))}, kinds=("conv",), dims=(1,)),
    breaks=({"k": 3, "s": 2, "layers": 3, "rates": "stride", "offset": 4},
            {"k": 3, "s": 3, "layers": 1, "rates": "rate", "offset": 4}),
    torch_check=_torch_periodic,
)
def _periodic_exponential():
    for k in _KS:
        for g in (2, 3):
            for m in (1, 2, 3):
                for how in ("stride", "rate"):
                    def stack(periods: int) -> "list[tuple[int, int, int]]":
                        out = []
                        for j in range(periods):
                            for i in range(m):
                                if how == "stride":   # the stride sits in the last layer of each period
                                    out.append((k, g if i == m - 1 else 1, 1))
                                else:
                                    out.append((k, 1, g ** j))
                        return out
                    a = _field(stack(1)) - 1
                    for j in range(1, 6):
                        if _field(stack(j)) != 1 + a * (g ** j - 1) // (g - 1):
                            yield {"k": k, "s": g, "layers": m, "rates": how, "offset": j}


@claim(
    "nb03-stride-equals-rate",
    statement="A stride s at every layer and rates 1, s, s², … give the same receptive field layer by layer "
              "(r = 1 + (k − 1)(s^L − 1)/(s − 1)); strides shrink the map, rates keep it.",
    domain=Domain(params={"k": tuple(range(1, 8)), "s": (2, 3, 4), "layers": tuple(range(1, 7))},
                  kinds=("conv",), dims=(1,)),
)
def _stride_equals_rate():
    for k in range(1, 8):
        for s in (2, 3, 4):
            for depth in range(1, 7):
                strided = _field([(k, s, 1)] * depth)
                dilated = _field([(k, 1, s ** i) for i in range(depth)])
                if strided != dilated or strided != 1 + (k - 1) * (s ** depth - 1) // (s - 1):
                    yield {"k": k, "s": s, "layers": depth}


@claim(
    "nb03-fixed-rate-linear",
    statement="L layers with a fixed rate d, stride 1, have r = L·d(k − 1) + 1: linear in depth, whatever d; "
              "a block repeated B times has r = 1 + B·(r_block − 1).",
    domain=Domain(params={"k": tuple(range(1, 8)), "d": tuple(range(1, 17)), "layers": tuple(range(1, 11))},
                  kinds=("conv",), dims=(1,)),
    scope="stride 1",
)
def _fixed_rate_linear():
    for k in range(1, 8):
        for d in range(1, 17):
            for depth in range(1, 11):
                if _field([(k, 1, d)] * depth) != depth * d * (k - 1) + 1:
                    yield {"k": k, "d": d, "layers": depth}
    block = [(3, 1, d) for d in (1, 2, 4, 8)]
    for b in range(1, 5):
        if _field(block * b) != 1 + b * (_field(block) - 1):
            yield {"k": 3, "d": "1,2,4,8", "layers": 4 * b}


def _resnet50_layers(variant: str) -> "list[tuple[int, int, int]]":
    """The main path of ResNet-50 as (k, s, d), written out from the two implementations' code.

    TF-Slim ``resnet_v1_50``: each block's stride in the 3×3 conv of its last unit (blocks 1–3).
    torchvision (v1.5): the stride in the 3×3 conv of the first unit of blocks 2–4.
    """
    layers = [(7, 2, 1), (3, 2, 1)]                      # stem conv and max-pool
    for block, units in enumerate((3, 4, 6, 3)):
        for unit in range(units):
            if variant == "tf-slim":
                stride = 2 if block < 3 and unit == units - 1 else 1
            else:
                stride = 2 if block > 0 and unit == 0 else 1
            layers += [(1, 1, 1), (3, stride, 1), (1, 1, 1)]
    return layers


def _torch_resnet50_field():
    """torchvision's ResNet-50 (weights=None), every convolution swapped for a one-channel one of the same
    kernel, stride, padding and dilation (batch norm → identity, max-pool → average pool of the same
    geometry, since a max-pool passes the gradient to one input per window): the gradient of one centre
    output over a 512 input, with positive weights, spans the field. Keeps torchvision's own stride
    placement and shortcut code; cheap because each layer has one channel."""
    import torch
    import torchvision

    net = torchvision.models.resnet50(weights=None)

    def swap(module: "torch.nn.Module") -> None:
        for name, child in module.named_children():
            if isinstance(child, torch.nn.Conv2d):
                conv = torch.nn.Conv2d(1, 1, child.kernel_size, child.stride, child.padding, child.dilation, bias=False)
                torch.nn.init.constant_(conv.weight, 0.5)
                setattr(module, name, conv)
            elif isinstance(child, torch.nn.BatchNorm2d):
                setattr(module, name, torch.nn.Identity())
            elif isinstance(child, torch.nn.MaxPool2d):
                setattr(module, name, torch.nn.AvgPool2d(child.kernel_size, child.stride, child.padding))
            else:
                swap(child)

    swap(net)
    body = torch.nn.Sequential(*list(net.children())[:-2])
    x = torch.ones(1, 1, 512, 512, requires_grad=True)
    body(x)[0, 0, 8, 8].backward()
    rows = torch.nonzero(x.grad[0, 0].abs().sum(dim=1)).flatten()
    span = int(rows.max() - rows.min() + 1)
    if span != 427:
        yield {"layout": "torchvision", "r": span}


@claim(
    "nb03-resnet50-field",
    statement="ResNet-50's receptive field is 483 pixels in TF-Slim's layout (2.2 × a 224 input) and 427 in "
              "torchvision's (1.9 ×); both exceed a 224-pixel input, by more than twice only in TF-Slim's.",
    domain=Domain(params={"layout": ("tf-slim", "torchvision")}, kinds=("conv", "pool"), dims=(1,)),
    scope="TF-Slim",
    sources=("Araujo et al. 2019",),
    torch_check=_torch_resnet50_field,
)
def _resnet50_field():
    expected = {"tf-slim": 483, "torchvision": 427}
    for layout, r in expected.items():
        got = _field(_resnet50_layers(layout))
        if got != r or got <= 224:
            yield {"layout": layout, "r": got}
    if not _field(_resnet50_layers("tf-slim")) > 2 * 224 > _field(_resnet50_layers("torchvision")):
        yield {"layout": "both", "what": "twice 224"}
