"""Audit time against one forward pass at 513×513, for a few torchvision models (CPU, one thread).

Run: ``python benchmarks/bench_audit.py [--size 513] [--models resnet50 ...]``. Prints a Markdown
table: the audit (meta-tensor reading + analysis) and one real forward pass of the same model
(random weights, ``torch.no_grad``), each the best of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import time

MODELS = ["resnet50", "mobilenet_v3_large", "efficientnet_b0", "convnext_tiny", "densenet121"]


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
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--models", nargs="*", default=MODELS)
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(f"| model | audit at {args.size}² (s) | forward pass (s) | audit / forward |")
    print("|---|---:|---:|---:|")
    for name in args.models:
        torch.manual_seed(0)
        model = getattr(torchvision.models, name)(weights=None).eval()
        t_audit = best_of(lambda: audit(model, args.size), args.repeat)
        x = torch.zeros(1, 3, args.size, args.size)
        with torch.no_grad():
            t_fwd = best_of(lambda: model(x), args.repeat)
        print(f"| {name} | {t_audit:.2f} | {t_fwd:.2f} | {t_audit / t_fwd:.2f} |")


if __name__ == "__main__":
    main()
