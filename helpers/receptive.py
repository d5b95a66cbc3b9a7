"""Layers, receptive-field recurrences and reference architectures.

Notation of Araujo, Norris & Sim, "Computing Receptive Fields of Convolutional
Neural Networks", Distill 2019: after layer ``l``

* ``r``  receptive field size: ``r_l = r_{l-1} + (k_eff,l - 1) * S_{l-1}``
* ``S``  effective stride (jump): ``S_l = S_{l-1} * s_l``
* ``P``  effective padding: ``P_l = P_{l-1} + p_l * S_{l-1}`` (``p_l`` = left padding)
* ``center`` input coordinate of the centre of output index 0: ``-P + (r - 1) / 2``

with ``r_0 = S_0 = 1`` and ``P_0 = 0``; dilation enters through the effective
kernel ``k_eff = d (k - 1) + 1``.

Taught in notebook ``03_receptive_field``; the architectures are used again
in ``04_output_stride_and_heatmaps``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence, Union

from ._validate import check_choice, check_int, check_pair
from .arithmetic import conv_output_size, effective_kernel_size, same_padding

LayerPadding = Union[int, tuple[int, int], str]

__all__ = [
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
    "cell_centers",
    "LayerCost",
    "layer_costs",
    "resnet50_costs",
    "rf_table",
    "ConeLevel",
    "rf_cone",
]


@dataclass(frozen=True)
class Layer:
    """One convolution or pooling layer along one spatial axis.

    Defined in notebook ``03_receptive_field``.

    Parameters
    ----------
    kernel : int
        Kernel taps (>= 1).
    stride : int
        Stride (>= 1).
    dilation : int
        Dilation / atrous rate (>= 1).
    padding : int, (int, int), "same" or "valid"
        Zeros on each side, a ``(before, after)`` pair, or TensorFlow's mode.
        ``"same"`` with stride > 1 splits its padding depending on the input
        size, so receptive-field offsets then need ``input_size``.
    name : str
        Label used in tables.
    channels : int or None
        Output channels, when known (used for compute and memory counts).
    kind : {"conv", "pool"}
        A pooling layer is treated as average pooling where weights matter.

    Examples
    --------
    >>> Layer(3, dilation=2, padding=2, name="atrous")
    Layer(kernel=3, stride=1, dilation=2, padding=2, name='atrous', channels=None, kind='conv')
    >>> Layer(3, padding="same").pads(7), Layer(3, stride=2, padding="same").pads(6)
    ((1, 1), (0, 1))
    """

    kernel: int
    stride: int = 1
    dilation: int = 1
    padding: LayerPadding = 0
    name: str = ""
    channels: int | None = None
    kind: str = "conv"

    def __post_init__(self) -> None:
        check_int("kernel", self.kernel, 1)
        check_int("stride", self.stride, 1)
        check_int("dilation", self.dilation, 1)
        if isinstance(self.padding, str):
            object.__setattr__(self, "padding", check_choice("padding", self.padding, ("same", "valid")))
        elif isinstance(self.padding, (tuple, list)):
            object.__setattr__(self, "padding", check_pair("padding", self.padding, 0))
        else:
            check_int("padding", self.padding, 0)
        if not isinstance(self.name, str):
            raise TypeError(f"name must be a string, got {self.name!r}")
        if self.channels is not None:
            check_int("channels", self.channels, 1)
        check_choice("kind", self.kind, ("conv", "pool"))

    @property
    def effective_kernel(self) -> int:
        """``d (k - 1) + 1``: the span of the dilated kernel."""
        return effective_kernel_size(self.kernel, self.dilation)

    def pads(self, n: int | None = None) -> tuple[int, int]:
        """Zeros ``(before, after)`` added to an input of length ``n``.

        ``n`` is needed only for ``padding="same"`` with stride > 1.
        """
        if self.padding == "valid":
            return (0, 0)
        if self.padding == "same":
            if self.stride == 1:
                return same_padding(1, self.kernel, dilation=self.dilation)
            if n is None:
                raise ValueError(
                    f"layer {self.name or self!r} uses padding='same' with stride {self.stride}, "
                    "whose split depends on the input size: pass input_size"
                )
            return same_padding(n, self.kernel, stride=self.stride, dilation=self.dilation)
        if isinstance(self.padding, tuple):
            return self.padding
        return (self.padding, self.padding)

    def output_size(self, n: int) -> int:
        """Output length for an input of length ``n`` (PyTorch's rule, TF's split)."""
        return conv_output_size(
            n, self.kernel, stride=self.stride, padding=self.pads(n), dilation=self.dilation
        )


@dataclass(frozen=True)
class RFRow:
    """Receptive-field record after one layer (Araujo et al. notation).

    Attributes
    ----------
    name : str
        The layer's name.
    r : int
        Receptive field size in input pixels.
    S : int
        Effective stride (jump): input pixels between neighbouring outputs.
    P : int
        Effective padding: how far left of the input the first receptive field starts.
    center : float
        Input coordinate of the centre of output index 0 (``-P + (r - 1) / 2``).
    """

    name: str
    r: int
    S: int
    P: int
    center: float


def _check_layers(layers: Iterable[Layer]) -> list[Layer]:
    layers = list(layers) if not isinstance(layers, Layer) else [layers]
    for i, layer in enumerate(layers):
        if not isinstance(layer, Layer):
            raise TypeError(f"layers[{i}] must be a Layer, got {type(layer).__name__}")
    return layers


def output_sizes(layers: Sequence[Layer], n: int) -> tuple[int, ...]:
    """Feature-map length after each layer, for an input of length ``n``.

    Defined in notebook ``03_receptive_field``.

    Examples
    --------
    >>> output_sizes(vgg16(), 224)[-1]
    7
    >>> output_sizes(resnet50(output_stride=16), 513)[-1]   # DeepLab: (513 - 1)/16 + 1
    33
    """
    layers = _check_layers(layers)
    size = check_int("n", n, 1)
    sizes = []
    for i, layer in enumerate(layers):
        try:
            size = layer.output_size(size)
        except ValueError as exc:
            raise ValueError(f"layer {i} ({layer.name or 'unnamed'}): {exc}") from None
        sizes.append(size)
    return tuple(sizes)


def receptive_field(layers: Sequence[Layer], *, input_size: int | None = None) -> tuple[RFRow, ...]:
    """Receptive field, effective stride, padding and centre after each layer.

    Defined in notebook ``03_receptive_field``.

    Parameters
    ----------
    layers : sequence of Layer
        The stack, input side first.
    input_size : int, optional
        Needed only when a layer uses ``padding="same"`` with stride > 1.

    Returns
    -------
    tuple of RFRow
        One row per layer.

    Examples
    --------
    >>> rows = receptive_field([Layer(3, padding=1), Layer(3, padding=1), Layer(2, stride=2)])
    >>> [(row.r, row.S, row.P) for row in rows]
    [(3, 1, 1), (5, 1, 2), (6, 2, 2)]
    >>> receptive_field(vgg16())[-1]                       # Araujo et al.: 212 / 32 / 90
    RFRow(name='pool5', r=212, S=32, P=90, center=15.5)
    """
    layers = _check_layers(layers)
    size = None if input_size is None else check_int("input_size", input_size, 1)
    r, jump, pad = 1, 1, 0
    rows = []
    for i, layer in enumerate(layers):
        before, _ = layer.pads(size)
        r += (layer.effective_kernel - 1) * jump
        pad += before * jump
        jump *= layer.stride
        rows.append(RFRow(layer.name or f"layer{i + 1}", r, jump, pad, -pad + (r - 1) / 2))
        if size is not None:
            try:
                size = layer.output_size(size)
            except ValueError as exc:
                raise ValueError(f"layer {i} ({layer.name or 'unnamed'}): {exc}") from None
    return tuple(rows)


def output_stride(layers: Sequence[Layer]) -> int:
    """Product of the strides: input pixels per step of the last feature map.

    Defined in notebook ``04_output_stride_and_heatmaps``.

    Examples
    --------
    >>> output_stride(vgg16()), output_stride(resnet50(output_stride=8))
    (32, 8)
    """
    result = 1
    for layer in _check_layers(layers):
        result *= layer.stride
    return result


# --------------------------------------------------------------------------
# Reference architectures (feature extractors, one spatial axis)
# --------------------------------------------------------------------------


def vgg16() -> list[Layer]:
    """VGG-16's convolutional part (Simonyan & Zisserman 2015), ``conv1_1`` … ``pool5``.

    3×3 convolutions with padding 1 and 2×2 max pooling with stride 2, as in
    TF-Slim's ``vgg_16`` that Araujo et al. tabulate.

    Defined in notebook ``03_receptive_field``.

    Examples
    --------
    >>> [layer.name for layer in vgg16()][:3]
    ['conv1_1', 'conv1_2', 'pool1']
    >>> len(vgg16())
    18
    """
    layers = []
    for block, (convs, channels) in enumerate([(2, 64), (2, 128), (3, 256), (3, 512), (3, 512)], 1):
        for i in range(1, convs + 1):
            layers.append(Layer(3, padding=1, name=f"conv{block}_{i}", channels=channels))
        layers.append(Layer(2, stride=2, name=f"pool{block}", channels=channels, kind="pool"))
    return layers


def alexnet() -> list[Layer]:
    """AlexNet's convolutional part as TF-Slim's ``alexnet_v2`` (``conv1`` … ``pool5``).

    Convolutions "SAME" (explicit symmetric padding here), pooling 3×3 stride 2
    "VALID", the first convolution 11×11 stride 4 "VALID".

    Defined in notebook ``03_receptive_field``.

    Examples
    --------
    >>> [(row.name, row.r) for row in receptive_field(alexnet())][-1]
    ('pool5', 195)
    """
    return [
        Layer(11, stride=4, name="conv1", channels=64),
        Layer(3, stride=2, name="pool1", channels=64, kind="pool"),
        Layer(5, padding=2, name="conv2", channels=192),
        Layer(3, stride=2, name="pool2", channels=192, kind="pool"),
        Layer(3, padding=1, name="conv3", channels=384),
        Layer(3, padding=1, name="conv4", channels=384),
        Layer(3, padding=1, name="conv5", channels=256),
        Layer(3, stride=2, name="pool5", channels=256, kind="pool"),
    ]


def resnet50(
    output_stride: int = 32,
    *,
    multi_grid: tuple[int, int, int] = (1, 1, 1),
    variant: str = "slim",
) -> list[Layer]:
    """ResNet-50's main path (the longest path, which sets the receptive field).

    ``variant="slim"`` is TF-Slim's ``resnet_v1_50``, used by DeepLab and by
    Araujo et al.: each block's stride sits in the 3×3 convolution of its
    *last* unit. ``variant="torchvision"`` is torchvision's ResNet (v1.5): the
    stride sits in the 3×3 convolution of the *first* unit of a block.

    ``output_stride`` 16 or 8 removes the last strides DeepLab-style (Chen et
    al. 2017): every later 3×3 convolution is dilated by the product of the
    removed strides, so the receptive field and all weights stay the same
    while the feature maps grow. ``multi_grid`` multiplies the rates of the
    three units of block 4 (DeepLabv3's Multi-grid). Projection shortcuts are
    not listed (they never widen the receptive field).

    Defined in notebook ``03_receptive_field``; output stride in ``04``.

    Parameters
    ----------
    output_stride : {32, 16, 8}
        Input pixels per step of the final feature map.
    multi_grid : (int, int, int)
        Unit rates of block 4, multiplied by the block's base rate.
    variant : {"slim", "torchvision"}
        Where each block puts its stride (see above).

    Examples
    --------
    >>> row = receptive_field(resnet50(), input_size=224)[-1]    # Araujo et al.: 483 / 32 / 239
    >>> (row.r, row.S, row.P)
    (483, 32, 239)
    >>> [l.dilation for l in resnet50(16, multi_grid=(1, 2, 4)) if l.kernel == 3][-3:]
    [2, 4, 8]
    """
    os_ = check_int("output_stride", output_stride, 1)
    if os_ not in (8, 16, 32):
        raise ValueError(f"output_stride must be 8, 16 or 32, got {os_}")
    variant = check_choice("variant", variant, ("slim", "torchvision"))
    if not isinstance(multi_grid, (tuple, list)) or len(multi_grid) != 3:
        raise ValueError(f"multi_grid must be three integers >= 1, got {multi_grid!r}")
    grid = [check_int(f"multi_grid[{i}]", g, 1) for i, g in enumerate(multi_grid)]

    if variant == "slim":
        layers = [
            Layer(7, stride=2, padding=(3, 3), name="conv1", channels=64),
            Layer(3, stride=2, padding="same", name="pool1", channels=64, kind="pool"),
        ]
    else:
        layers = [
            Layer(7, stride=2, padding=3, name="conv1", channels=64),
            Layer(3, stride=2, padding=1, name="maxpool", channels=64, kind="pool"),
        ]
    # Slim strides the last unit of blocks 1-3; torchvision the first unit of blocks 2-4.
    if variant == "slim":
        blocks = [(64, 3, 2), (128, 4, 2), (256, 6, 2), (512, 3, 1)]
    else:
        blocks = [(64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)]
    current, rate = 4, 1
    for b, (width, units, block_stride) in enumerate(blocks, 1):
        for u in range(units):
            strided_unit = (u == units - 1) if variant == "slim" else (u == 0)
            stride = block_stride if strided_unit else 1
            unit_rate = rate
            if stride > 1 and current == os_:
                # The stride is removed: this unit runs at the current rate and the
                # units after it at rate * stride (TF-Slim's stack_blocks_dense and
                # torchvision's replace_stride_with_dilation agree on this).
                rate *= stride
                stride = 1
            current *= stride
            if b == 4:
                unit_rate *= grid[u]
            if variant == "slim":
                prefix = f"block{b}/unit_{u + 1}/"
            else:
                prefix = f"layer{b}.{u}."
            layers += [
                Layer(1, name=prefix + "conv1", channels=width),
                Layer(3, stride=stride, dilation=unit_rate, padding=unit_rate, name=prefix + "conv2", channels=width),
                Layer(1, name=prefix + "conv3", channels=4 * width),
            ]
    return layers


#: Padding rules of :func:`resnet50_with_head`'s atrous head: per-side padding for a rate.
HEAD_PADDINGS = ("same", "one", "valid")


def resnet50_with_head(output_stride: int, rate: int, *, padding: str = "same") -> list[Layer]:
    """ResNet-50 (TF-Slim) at ``output_stride``, then one atrous 3×3 head layer at ``rate``.

    The network of notebook 04's heatmap figure and widget: an ASPP-style 3×3
    branch (256 channels) on top of the backbone. ``padding`` chooses the head's
    per-side padding: ``"same"`` pads by the rate (the size does not change),
    ``"one"`` keeps padding 1 whatever the rate, ``"valid"`` pads nothing.

    Defined in notebook ``04_output_stride_and_heatmaps``.

    Examples
    --------
    >>> head = resnet50_with_head(16, 12)[-1]
    >>> head.kernel, head.dilation, head.padding
    (3, 12, 12)
    >>> output_sizes(resnet50_with_head(16, 12, padding="valid"), 513)[-1]
    9
    """
    output_stride = check_int("output_stride", output_stride, 1)
    rate = check_int("rate", rate, 1)
    padding = check_choice("padding", padding, HEAD_PADDINGS)
    pad = {"same": rate, "one": 1, "valid": 0}[padding]
    return resnet50(output_stride) + [Layer(3, dilation=rate, padding=pad, name="head (atrous 3×3)", channels=256)]


def _resnet_stage(name: str) -> str:
    """``"block3/unit_2/conv2"`` -> ``"block3"``; the stem (conv1, pool1) -> ``"stem"`` (TF-Slim names)."""
    top = name.split("/")[0]
    return top if top.startswith("block") else "stem"


def context_module() -> list[Layer]:
    """The basic context module of Yu & Koltun (2016): 3×3 convolutions with
    dilations 1, 1, 2, 4, 8, 16, 1 (padding = dilation, sizes kept) and a 1×1.

    Defined in notebook ``03_receptive_field``.

    Examples
    --------
    >>> [row.r for row in receptive_field(context_module())]   # Yu & Koltun, Table 1
    [3, 5, 9, 17, 33, 65, 67, 67]
    """
    layers = [Layer(3, dilation=d, padding=d, name=f"layer{i}") for i, d in enumerate([1, 1, 2, 4, 8, 16, 1], 1)]
    return layers + [Layer(1, name="output")]


# --------------------------------------------------------------------------
# Where heatmap cells look, and what a layer costs (notebook 04)
# --------------------------------------------------------------------------


def cell_centers(layers: Sequence[Layer], input_size: int) -> tuple[float, ...]:
    """Input coordinate of the receptive-field centre of every output cell along one axis.

    Cell ``u`` of the last layer is centred on ``u * S + center`` (Araujo et
    al.: ``center = -P + (r - 1) / 2``, with ``S`` and ``P`` the effective
    stride and padding), for ``u = 0 … N_out - 1``.

    Defined in notebook ``04_output_stride_and_heatmaps``.

    Parameters
    ----------
    layers : sequence of Layer
        The stack, input side first.
    input_size : int
        Input length (>= 1); sets the number of cells and, for
        ``padding="same"`` with stride > 1, the padding split.

    Returns
    -------
    tuple of float
        One centre per output cell, in input pixels (pixel ``i`` is centred on ``i``).

    Examples
    --------
    >>> cell_centers(resnet50(output_stride=16), 513)[:3]   # DeepLab's crop: on pixels 0, 16, 32, ...
    (0.0, 16.0, 32.0)
    >>> cell_centers(resnet50(output_stride=16), 513)[-1]   # ... and the last one on pixel 512
    512.0
    >>> cell_centers([Layer(2, stride=2)], 6)
    (0.5, 2.5, 4.5)
    """
    layers = _check_layers(layers)
    if not layers:
        raise ValueError("layers must contain at least one Layer")
    n = check_int("input_size", input_size, 1)
    count = output_sizes(layers, n)[-1]
    row = receptive_field(layers, input_size=n)[-1]
    return tuple(row.center + u * row.S for u in range(count))


@dataclass(frozen=True)
class LayerCost:
    """Compute, memory and weights of one layer on a 2-D input.

    Attributes
    ----------
    name : str
        The layer's name.
    height, width : int
        Output size.
    in_channels, channels : int
        Input and output channels.
    macs : int
        Multiply-adds: ``height * width * k² * in_channels * channels`` for a
        convolution (every tap, padding included, as frameworks count them;
        no bias); 0 for pooling.
    activations : int
        Values in the output: ``height * width * channels``.
    weights : int
        ``k² * in_channels * channels`` for a convolution (no bias); 0 for pooling.

    Defined in notebook ``04_output_stride_and_heatmaps`` (made by :func:`layer_costs`).

    Examples
    --------
    >>> layer_costs([Layer(1, name="proj", channels=4)], 3, in_channels=2)[0]
    LayerCost(name='proj', height=3, width=3, in_channels=2, channels=4, macs=72, activations=36, weights=8)
    """

    name: str
    height: int
    width: int
    in_channels: int
    channels: int
    macs: int
    activations: int
    weights: int


def layer_costs(
    layers: Sequence[Layer], input_size: int | tuple[int, int], *, in_channels: int = 3
) -> tuple[LayerCost, ...]:
    """Multiply-adds, output values and weights of every layer of a stack.

    Per convolution: ``MACs = H_out · W_out · k² · C_in · C_out``, activations
    ``H_out · W_out · C_out`` and weights ``k² · C_in · C_out`` (dense, square
    kernels, no bias or batch norm). A pooling layer (``kind="pool"``) has no
    weights and its comparisons are not counted as multiply-adds; its output
    is counted as activations. Dilation changes neither the weights nor the
    MACs of a layer; only the output size does.

    Defined in notebook ``04_output_stride_and_heatmaps``.

    Parameters
    ----------
    layers : sequence of Layer
        The stack, input side first; every convolution needs ``channels``
        (a pooling layer keeps its input's channels).
    input_size : int or (int, int)
        Input side, or ``(height, width)``.
    in_channels : int
        Channels of the input image (>= 1).

    Returns
    -------
    tuple of LayerCost
        One record per layer.

    Examples
    --------
    >>> c = layer_costs([Layer(3, padding=1, name="conv", channels=8)], (4, 5), in_channels=2)[0]
    >>> (c.height, c.width, c.macs, c.activations, c.weights)    # 4·5·9·2·8, 4·5·8, 9·2·8
    (4, 5, 2880, 160, 144)
    >>> costs = layer_costs(resnet50(variant="torchvision"), 224)
    >>> costs[0].macs, costs[0].activations                  # conv1: 112²·7²·3·64, 112²·64
    (118013952, 802816)
    """
    layers = _check_layers(layers)
    if not layers:
        raise ValueError("layers must contain at least one Layer")
    h, w = check_pair("input_size", input_size, 1)
    c_in = check_int("in_channels", in_channels, 1)
    heights, widths = output_sizes(layers, h), output_sizes(layers, w)
    records = []
    for i, (layer, ho, wo) in enumerate(zip(layers, heights, widths)):
        label = layer.name or f"layer{i + 1}"
        if layer.kind == "pool":
            if layer.channels is not None and layer.channels != c_in:
                raise ValueError(
                    f"layers[{i}] ({label}) is a pooling layer with channels={layer.channels}, "
                    f"but its input has {c_in}: pooling keeps the channels"
                )
            records.append(LayerCost(label, ho, wo, c_in, c_in, 0, ho * wo * c_in, 0))
            continue
        if layer.channels is None:
            raise ValueError(f"layers[{i}] ({label}) has channels=None: layer_costs needs every convolution's channels")
        c_out = layer.channels
        weights = layer.kernel**2 * c_in * c_out
        records.append(LayerCost(label, ho, wo, c_in, c_out, ho * wo * weights, ho * wo * c_out, weights))
        c_in = c_out
    return tuple(records)


def resnet50_costs(
    input_size: int | tuple[int, int],
    *,
    output_stride: int = 32,
    variant: str = "slim",
    multi_grid: tuple[int, int, int] = (1, 1, 1),
    shortcuts: bool = True,
) -> tuple[LayerCost, ...]:
    """:func:`layer_costs` of :func:`resnet50`, with its projection shortcuts.

    :func:`resnet50` lists the main path only. With ``shortcuts=True`` a
    record ``<unit>shortcut`` follows the last convolution of the first unit
    of each block: the 1×1 projection from the unit's input channels to its
    output channels, on a map the size of the unit's output (in
    torchvision the projection carries the unit's stride; TF-Slim strides the
    last unit, whose shortcut is a parameter-free subsampling). These four
    convolutions are what the main path is missing for the published totals.

    Defined in notebook ``04_output_stride_and_heatmaps``.

    Parameters
    ----------
    input_size : int or (int, int)
        Input side, or ``(height, width)`` (3-channel image).
    output_stride, variant, multi_grid
        As for :func:`resnet50`.
    shortcuts : bool
        Include the four projection shortcuts.

    Examples
    --------
    >>> costs = resnet50_costs(224, variant="torchvision")
    >>> sum(c.weights for c in costs)      # conv weights; + batch norm + fc: torchvision's 25,557,032
    23454912
    >>> [c.name for c in costs if c.name.endswith("shortcut")]
    ['layer1.0.shortcut', 'layer2.0.shortcut', 'layer3.0.shortcut', 'layer4.0.shortcut']
    """
    if not isinstance(shortcuts, bool):
        raise TypeError(f"shortcuts must be True or False, got {shortcuts!r}")
    layers = resnet50(output_stride, multi_grid=multi_grid, variant=variant)
    costs = list(layer_costs(layers, input_size))
    if not shortcuts:
        return tuple(costs)
    result = []
    by_name = {c.name: c for c in costs}
    for cost in costs:
        result.append(cost)
        prefix = cost.name[: -len("conv3")]
        if cost.name.endswith("conv3") and prefix.endswith(("unit_1/", ".0.")):
            first = by_name[prefix + "conv1"]
            weights = first.in_channels * cost.channels
            result.append(
                LayerCost(
                    prefix + "shortcut",
                    cost.height,
                    cost.width,
                    first.in_channels,
                    cost.channels,
                    cost.height * cost.width * weights,
                    cost.activations,
                    weights,
                )
            )
    return tuple(result)
    return layers + [Layer(1, name="output")]


def _pads_text(before: int, after: int) -> str:
    return str(before) if before == after else f"{before}/{after}"


def rf_table(
    layers: Sequence[Layer],
    *,
    input_size: int | None = None,
    published: "dict[str, tuple[int, int, int]] | None" = None,
    names: Sequence[str] | None = None,
) -> str:
    """The receptive-field recurrences layer by layer, as an aligned text table.

    Columns: the layer's kernel ``k``, stride ``s``, dilation ``d``, padding
    ``p`` (``before/after`` when the two differ), span ``k_eff``, then the
    running ``r``, ``S``, ``P`` and ``centre`` of :func:`receptive_field`.
    With ``published`` (``{layer name: (r, S, P)}`` typed from a source) two
    columns are added: the published triple and whether the computed one
    ``agrees`` with it (blank for rows without a published value).

    Defined in notebook ``03_receptive_field``.

    Parameters
    ----------
    layers : sequence of Layer
        The stack, input side first.
    input_size : int, optional
        Needed only when a layer uses ``padding="same"`` with stride > 1.
    published : dict, optional
        Reference values per layer name; every name must be a printed row.
    names : sequence of str, optional
        Print only these rows (in the stack's order); default all.

    Returns
    -------
    str
        One header line and one line per row.

    Examples
    --------
    >>> print(rf_table([Layer(3, padding=1, name="conv"), Layer(2, stride=2, name="pool")],
    ...                published={"pool": (4, 2, 1)}))
    layer  k  s  d  p  k_eff  r  S  P  centre  published r/S/P  agrees
    conv   3  1  1  1      3  3  1  1     0.0
    pool   2  2  1  0      2  4  2  1     0.5            4/2/1     yes
    """
    layers = _check_layers(layers)
    rows = receptive_field(layers, input_size=input_size)
    if published is not None and not isinstance(published, dict):
        raise TypeError(f"published must be a dict {{layer name: (r, S, P)}}, got {type(published).__name__}")
    known = [row.name for row in rows]
    if names is None:
        chosen = set(known)
    else:
        if isinstance(names, str):
            raise TypeError("names must be a sequence of layer names, not a single string")
        chosen = set(names)
        missing = [n for n in names if n not in known]
        if missing:
            raise ValueError(f"names: no layer called {missing[0]!r} in this stack")
    reference = {}
    for name, value in (published or {}).items():
        if name not in chosen:
            raise ValueError(f"published: {name!r} is not a printed layer of this stack")
        if not isinstance(value, (tuple, list)) or len(value) != 3:
            raise ValueError(f"published[{name!r}] must be a triple (r, S, P), got {value!r}")
        reference[name] = tuple(check_int(f"published[{name!r}][{i}]", v) for i, v in enumerate(value))

    size = None if input_size is None else input_size
    header = ["layer", "k", "s", "d", "p", "k_eff", "r", "S", "P", "centre"]
    if published is not None:
        header += ["published r/S/P", "agrees"]
    lines = [header]
    for layer, row in zip(layers, rows):
        before, after = layer.pads(size)
        if size is not None:
            size = layer.output_size(size)
        if row.name not in chosen:
            continue
        cells = [row.name, layer.kernel, layer.stride, layer.dilation, _pads_text(before, after),
                 layer.effective_kernel, row.r, row.S, row.P, f"{row.center:.1f}"]
        if published is not None:
            if row.name in reference:
                ref = reference[row.name]
                cells += ["/".join(map(str, ref)), "yes" if ref == (row.r, row.S, row.P) else "NO"]
            else:
                cells += ["", ""]
        lines.append([str(c) for c in cells])
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = []
    for line in lines:
        text = [line[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(line[1:], widths[1:])]
        out.append("  ".join(text).rstrip())
    return "\n".join(out)


# --------------------------------------------------------------------------
# The cone of one output, layer by layer (notebook 03's 1-D picture)
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ConeLevel:
    """The positions of one map that feed one output of the last layer (1-D).

    Defined in notebook ``03_receptive_field`` (returned by :func:`rf_cone`).

    Attributes
    ----------
    level : int
        0 is the input, ``l`` the output map of layer ``l``.
    first : int
        Index (on this map) of the first position in the cone; negative
        indices are padding.
    paths : tuple of int
        For positions ``first, first + 1, …``: how many chains of kernel taps
        lead from the output to that position (0: a position skipped by a
        dilated or strided tap pattern).
    spacing : int
        Input pixels between neighbouring positions of this map (``S_l``).
    center : float
        Input coordinate of the centre of position 0 of this map (``-P_l + (r_l - 1)/2``).

    Examples
    --------
    >>> level = rf_cone([Layer(3, stride=2, padding=1), Layer(3, padding=1)])[1]
    >>> level.first, level.paths, level.spacing, level.positions()
    (-1, (1, 1, 1), 2, (-2.0, 0.0, 2.0))
    """

    level: int
    first: int
    paths: tuple[int, ...]
    spacing: int
    center: float

    def positions(self) -> tuple[float, ...]:
        """Input coordinates of the cone's positions (``(first + j) * spacing + center``)."""
        return tuple((self.first + j) * self.spacing + self.center for j in range(len(self.paths)))


def rf_cone(layers: Sequence[Layer], *, output: int = 0) -> tuple[ConeLevel, ...]:
    """Which positions of every map feed output ``output`` of the last layer, and along how many paths.

    Walks the stack backwards: output ``u`` of layer ``l`` reads positions
    ``u·s_l − p_l + t·d_l`` (``t = 0 … k_l − 1``) of the map below. Image
    borders are ignored (an infinite input, padding counted as positions), so
    level 0 spans exactly the receptive field: ``first = output·S − P`` and
    ``len(paths) = r``.

    Defined in notebook ``03_receptive_field``.

    Parameters
    ----------
    layers : sequence of Layer
        The stack, input side first (at least one layer; "same" padding with
        stride > 1 is not supported here: use explicit paddings).
    output : int
        Index of the output on the last map (>= 0).

    Returns
    -------
    tuple of ConeLevel
        Levels ``0 … L`` (input first).

    Examples
    --------
    >>> cone = rf_cone([Layer(3, padding=1), Layer(3, dilation=2, padding=2)])
    >>> [(c.first, c.paths) for c in cone]
    [(-3, (1, 1, 2, 1, 2, 1, 1)), (-2, (1, 0, 1, 0, 1)), (0, (1,))]
    >>> receptive_field([Layer(3, padding=1), Layer(3, dilation=2, padding=2)])[-1].r
    7
    """
    layers = _check_layers(layers)
    if not layers:
        raise ValueError("layers must contain at least one Layer")
    u = check_int("output", output, 0)
    for layer in layers:
        if layer.padding == "same" and layer.stride > 1:
            raise ValueError(f"layer {layer.name or layer!r}: rf_cone needs explicit padding with stride > 1")
    rows = receptive_field(layers)
    first, counts = u, [1]
    levels = [ConeLevel(len(layers), u, (1,), rows[-1].S, rows[-1].center)]
    for l in range(len(layers) - 1, -1, -1):
        layer = layers[l]
        k, s, d = layer.kernel, layer.stride, layer.dilation
        new = [0] * (s * (len(counts) - 1) + d * (k - 1) + 1)
        for j, c in enumerate(counts):
            for t in range(k):
                new[j * s + t * d] += c
        first, counts = first * s - layer.pads()[0], new
        below = rows[l - 1] if l > 0 else None
        levels.append(ConeLevel(l, first, tuple(new), below.S if below else 1, below.center if below else 0.0))
    return tuple(reversed(levels))
