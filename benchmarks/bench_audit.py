"""Audit time against one forward pass at 513×513, for a few torchvision models (CPU, one thread).

Run: ``python benchmarks/bench_audit.py [--size 513] [--repeat 3] [--models resnet50 ...] [--write [FILE]]``.
Prints a Markdown table: the audit (meta-tensor reading + analysis) and one real forward pass of the
same model (random weights, ``torch.no_grad``), each the best of ``--repeat`` runs, and whether the
audit meets issue 22's target (less than one forward pass). ``--write`` also stores the machine and
the table in ``benchmarks/results/audit.md`` (or FILE), the table benchmarks/README.md points to.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import _common as C

MODELS = ["resnet50", "mobilenet_v3_large", "efficientnet_b0", "convnext_tiny", "densenet121", "swin_t"]


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    import torch
    import torchvision

    from helpers import audit

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=513)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--models", nargs="*", default=MODELS)
    parser.add_argument("--write", nargs="?", const=str(C.ROOT / "benchmarks" / "results" / "audit.md"), metavar="FILE",
                        help="also store the machine and the table in FILE (default benchmarks/results/audit.md)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    lines = [f"### Audit time against one forward pass at {args.size}×{args.size} (CPU, one thread, best of {args.repeat})", "",
             f"| model | audit at {args.size}² (s) | forward pass (s) | audit / forward | target < 1 |",
             "|---|---:|---:|---:|---|"]
    print("\n".join(lines), flush=True)
    for name in args.models:
        torch.manual_seed(0)
        model = getattr(torchvision.models, name)(weights=None).eval()
        t_audit = best_of(lambda: audit(model, args.size), args.repeat)
        x = torch.zeros(1, 3, args.size, args.size)
        with torch.no_grad():
            t_fwd = best_of(lambda: model(x), args.repeat)
        ratio = t_audit / t_fwd
        lines.append(f"| {name} | {t_audit:.2f} | {t_fwd:.2f} | {ratio:.2f} | {'met' if ratio < 1 else '**MISS**'} |")
        print(lines[-1], flush=True)
    if args.write:
        info = C.machine()
        info["torch"] = f"{torch.__version__}, torchvision {torchvision.__version__}"
        text = "## Audit time (`bench_audit.py`)\n\n### Machine\n\n" + C.machine_markdown(info) + "\n\n" + "\n".join(lines) + "\n"
        Path(args.write).write_text(text, encoding="utf-8")
        print(f"written: {args.write}", file=sys.stderr)


if __name__ == "__main__":
    main()
