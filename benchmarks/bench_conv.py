"""Reference convolution: ``helpers.conv2d`` / ``conv_transpose2d`` against the matrix-multiply floor.

The floor does the same multiply-adds as one ``numpy.matmul`` of operands that
are already arranged: for ``conv2d`` the flattened kernel ``(O, C·kH·kW)``
times the im2col matrix ``(C·kH·kW, Ho·Wo)`` (built once, outside the timing,
independently of helpers with ``sliding_window_view``); for
``conv_transpose2d`` the transposed kernel ``(C·kH·kW, O)`` times ``y``
``(O, Ho·Wo)``. The floor's result is checked against helpers' (so it really is
the same multiply-adds). Target: helpers <= 2x the floor.

Where PyTorch or SciPy is installed, they are timed too (in a separate process,
so their thread pools do not compete with numpy's BLAS threads); they are
optional columns, never a dependency. All arithmetic in float64.

Run: ``python benchmarks/bench_conv.py [--quick]``
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
from dataclasses import dataclass

import _common as C
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from helpers import conv2d, conv_output_size, conv_transpose2d

TARGET_RATIO = 2.0
SPREAD = 2.0  # max/min of a row's samples above this marks the row as measured on a busy machine


@dataclass(frozen=True)
class Case:
    label: str
    channels_in: int
    channels_out: int
    size: int
    kernel: int = 3
    stride: int = 1
    dilation: int = 1

    @property
    def padding(self) -> int:  # "same"-style padding: d (k - 1) / 2
        return self.dilation * (self.kernel - 1) // 2

    @property
    def out_size(self) -> int:
        return conv_output_size(self.size, self.kernel, stride=self.stride, padding=self.padding, dilation=self.dilation)

    @property
    def output_padding(self) -> int:  # what conv_transpose2d needs to give back exactly `size`
        return (self.size + 2 * self.padding - self.dilation * (self.kernel - 1) - 1) % self.stride

    @property
    def macs(self) -> int:
        return self.channels_out * self.channels_in * self.kernel**2 * self.out_size**2

    def arrays(self, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """x (1, C, H, W), weight (O, C, k, k), y (1, O, Ho, Wo): float64, seeded."""
        rng = np.random.default_rng(seed)
        x = rng.standard_normal((1, self.channels_in, self.size, self.size))
        w = rng.standard_normal((self.channels_out, self.channels_in, self.kernel, self.kernel))
        y = rng.standard_normal((1, self.channels_out, self.out_size, self.out_size))
        return x, w, y

    def kwargs(self) -> dict[str, int]:
        return {"stride": self.stride, "padding": self.padding, "dilation": self.dilation}


def cases(quick: bool) -> list[Case]:
    if quick:  # one tiny single-channel case: every column (torch and scipy too) is filled
        return [Case("1→1 ch, 16×16, 3×3, d=2, s=2", 1, 1, 16, stride=2, dilation=2)]
    return [
        Case("1→1 ch, 512×512, 3×3, d=1", 1, 1, 512, dilation=1),
        Case("1→1 ch, 512×512, 3×3, d=2", 1, 1, 512, dilation=2),
        Case("1→1 ch, 512×512, 3×3, d=4", 1, 1, 512, dilation=4),
        Case("1→1 ch, 512×512, 3×3, s=2", 1, 1, 512, stride=2),
        Case("64→64 ch, 128×128, 3×3", 64, 64, 128),
        Case("64→64 ch, 128×128, 3×3, s=2", 64, 64, 128, stride=2),
    ]


def _count(n: int) -> str:
    return f"{n / 1e6:.3g} M" if n >= 1e6 else f"{n / 1e3:.3g} k"


def im2col(x: np.ndarray, case: Case) -> np.ndarray:
    """(C·k·k, Ho·Wo) matrix of the inputs each tap multiplies (sample 0), independent of helpers."""
    p, d, s, k = case.padding, case.dilation, case.stride, case.kernel
    xp = np.pad(x[0], ((0, 0), (p, p), (p, p)))
    span = d * (k - 1) + 1
    win = sliding_window_view(xp, (span, span), axis=(1, 2))[:, ::s, ::s, ::d, ::d]  # (C, Ho, Wo, k, k)
    return np.ascontiguousarray(win.transpose(0, 3, 4, 1, 2)).reshape(case.channels_in * k * k, -1)


def make_table(quick: bool = False, optional: "list[str] | None" = None) -> C.Table:
    """The table :func:`run` fills: its title and columns (``run_all.py --columns`` prints them).

    ``optional``: the optional libraries' columns, as the worker reports them (default: the ones
    :func:`optional_columns` finds installed, which is what the worker reports).
    """
    optional = optional_columns() if optional is None else optional
    return C.Table(
        "Reference convolution against the matrix-multiply floor (float64, median ms)" + (" (quick: tiny sizes)" if quick else ""),
        ["case", "op", "MACs", "helpers", "floor", "ratio", "target", "verdict", *optional],
    )


def optional_columns() -> list[str]:
    """The optional libraries timed beside helpers, in column order: those installed of torch, scipy."""
    return [name for name in ("torch", "scipy") if importlib.util.find_spec(name) is not None]


def run(quick: bool = False) -> list[C.Table]:
    repeats = 1 if quick else 11
    extras = _extras(quick, repeats)
    table = make_table(quick, extras["columns"])
    flagged = 0
    for case in cases(quick):
        x, w, y = case.arrays()
        o, ckk = case.channels_out, case.channels_in * case.kernel**2
        kw = case.kwargs()
        op = case.output_padding
        # Arranged operands, built once outside the timing.
        a, b = w.reshape(o, ckk), im2col(x, case)
        at, bt = np.ascontiguousarray(w.reshape(o, ckk).T), y.reshape(o, -1)
        ref = conv2d(x, w, **kw)
        C.check(np.allclose(a @ b, ref.reshape(o, -1)), f"{case.label}: floor operands do not give conv2d's result")
        xt = conv_transpose2d(y, w, **kw, output_padding=op)
        C.check(xt.shape == x.shape, f"{case.label}: conv_transpose2d shape {xt.shape} != {x.shape}")
        C.check(np.isclose(np.vdot(ref, y), np.vdot(x, xt)), f"{case.label}: conv_transpose2d is not conv2d's adjoint")
        C.check(np.isclose(np.vdot(at @ bt, b), np.vdot(y, ref)), f"{case.label}: transposed floor is not the adjoint's product")
        t = C.measure(
            {
                "conv2d": lambda: conv2d(x, w, **kw),
                "floor": lambda: a @ b,
                "conv_transpose2d": lambda: conv_transpose2d(y, w, **kw, output_padding=op),
                "tfloor": lambda: at @ bt,
            },
            repeats,
        )
        for name, floor in (("conv2d", "floor"), ("conv_transpose2d", "tfloor")):
            ratio = C.median(t[name]) / C.median(t[floor])
            unsteady = any(max(t[k]) > SPREAD * min(t[k]) for k in (name, floor))
            flagged += unsteady
            more = [extras["times"].get(f"{case.label}|{name}|{col}", "—") for col in extras["columns"]]
            table.add(case.label, f"`{name}`", _count(case.macs), C.ms(C.median(t[name])), C.ms(C.median(t[floor])),
                      f"{ratio:.1f}×" + (" †" if unsteady else ""), f"≤ {TARGET_RATIO:.0f}×", C.verdict(ratio, TARGET_RATIO), *more)
    table.notes.append(f"median of {repeats} runs each, round-robin after one warm-up call; batch 1; "
                       "`padding = d(k−1)/2`; the transposed case maps the conv's output back to the input's size")
    table.notes.append("floor = one `numpy.matmul` of already-arranged operands doing the same multiply-adds "
                       "(checked against helpers' result)")
    if flagged:
        table.notes.append(f"† the slowest run of helpers or the floor took more than {SPREAD:.0f}× the fastest: a busy "
                           "machine (e.g. a BLAS thread waiting for a core); compare with `OPENBLAS_NUM_THREADS=1` "
                           "or an idle machine before reading the ratio")
    table.notes += extras["notes"]
    return [table]


# ----------------------------------------------------------- optional columns
def _extras(quick: bool, repeats: int) -> dict:
    """Times of PyTorch/SciPy for the same cases, from a separate process; {} columns if neither is installed."""
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", "--repeats", str(repeats)] + (["--quick"] if quick else [])
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=C.ROOT)
    if proc.returncode != 0:
        raise C.CheckFailed(f"optional-library worker failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _worker(quick: bool, repeats: int) -> dict:
    columns, notes, times = optional_columns(), [], {}
    torch = scipy = None
    if "torch" in columns:
        import torch
        import torch.nn.functional as F
    if "scipy" in columns:
        import scipy
        import scipy.ndimage as ndi
    if torch is not None:
        notes.append(f"torch {torch.__version__} (`F.conv2d` / `F.conv_transpose2d`, float64, "
                     f"{torch.get_num_threads()} threads), timed in a separate process")
    if scipy is not None:
        notes.append(f"scipy {scipy.__version__} `ndimage.correlate` with the dilated kernel written out with zeros, "
                     "then every s-th pixel: single-channel `conv2d` only")
    for case in cases(quick):
        x, w, y = case.arrays()
        kw = case.kwargs()
        fns = {}
        if torch is not None:
            tx, tw, ty = (torch.from_numpy(a) for a in (x, w, y))
            op = case.output_padding
            got = F.conv2d(tx, tw, **kw).numpy()
            C.check(np.allclose(got, conv2d(x, w, **kw)), f"torch disagrees with helpers on {case.label}")
            fns[f"{case.label}|conv2d|torch"] = lambda: F.conv2d(tx, tw, **kw)
            fns[f"{case.label}|conv_transpose2d|torch"] = lambda: F.conv_transpose2d(ty, tw, **kw, output_padding=op)
        if scipy is not None and case.channels_in == case.channels_out == 1:
            d, s = case.dilation, case.stride
            kd = np.zeros((d * (case.kernel - 1) + 1,) * 2)
            kd[::d, ::d] = w[0, 0]
            img = x[0, 0]
            got = ndi.correlate(img, kd, mode="constant", cval=0.0)[::s, ::s]
            C.check(np.allclose(got, conv2d(x, w, **kw)[0, 0]), f"scipy disagrees with helpers on {case.label}")
            fns[f"{case.label}|conv2d|scipy"] = lambda: ndi.correlate(img, kd, mode="constant", cval=0.0)[::s, ::s]
        for key, samples in C.measure(fns, repeats).items():
            times[key] = C.ms(C.median(samples))
    return {"columns": columns, "notes": notes, "times": times}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one tiny case, one repeat (a smoke run)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--repeats", type=int, default=7, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(_worker(args.quick, args.repeats)))
        return 0
    C.print_report(run(args.quick), C.machine())
    return 0


if __name__ == "__main__":
    sys.exit(main())
