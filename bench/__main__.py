"""``python -m bench``: every benchmark in ``bench/``, one after another (``--quick``: fewer samples).

A benchmark is any module here with ``main(argv) -> int`` (0: its targets were met), except the data generator.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path

NOT_BENCHES = {"scale", "form_client", "__main__"}


def benches() -> list[str]:
    found = []
    for info in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda m: m.name):
        if info.name in NOT_BENCHES or info.ispkg:
            continue
        found.append(f"bench.{info.name}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer samples")
    args = parser.parse_args(argv)
    failed = []
    for name in benches():
        module = importlib.import_module(name)
        if not callable(getattr(module, "main", None)):
            continue
        print(f"== {name}", flush=True)
        code = module.main(["--quick"] if args.quick else [])
        if code != 0:
            failed.append(name)
        print(flush=True)
    if failed:
        print("targets missed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
