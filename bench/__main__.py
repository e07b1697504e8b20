"""``make bench``: run every bench/bench_*.py and print each figure beside its same-run baseline.

Usage: python -m bench [--quick] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import time
import traceback
from pathlib import Path
from typing import Any


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="smaller data sets (smoke run)")
    parser.add_argument("--only", nargs="*", default=None, help="bench module names without the bench_ prefix")
    args = parser.parse_args()
    here = Path(__file__).resolve().parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    if args.only:
        names = [n for n in names if n.removeprefix("bench_") in args.only]
    results: list[dict[str, Any]] = []
    failed = 0
    for name in names:
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        try:
            module = importlib.import_module(f"bench.{name}")
            rows = module.run(quick=args.quick)
        except Exception:  # a broken bench must not hide the others
            traceback.print_exc()
            failed += 1
            continue
        for row in rows:
            row.setdefault("bench", name)
            results.append(row)
            print_row(row)
        print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)
    print("\n== summary")
    for row in results:
        print_row(row)
    return 1 if failed else 0


def fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 100 else f"{value:,.0f}"
    return str(value)


def print_row(row: dict[str, Any]) -> None:
    base = ""
    if row.get("baseline_name"):
        ratio = row.get("ratio")
        base = f"   baseline {row['baseline_name']}: {fmt(row.get('baseline_value'))} {row.get('unit', '')}"
        if ratio is not None:
            base += f"   ratio {ratio:.2f}×"
    target = f"   target {row['target']}" if row.get("target") else ""
    verdict = f"   [{row['verdict']}]" if row.get("verdict") else ""
    print(f"  {row['name']}: {fmt(row['value'])} {row.get('unit', '')}{base}{target}{verdict}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
