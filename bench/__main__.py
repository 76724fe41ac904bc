"""``python -m bench``: every benchmark of the store, one after another (``--quick``: fewer samples)."""

from __future__ import annotations

import argparse
import importlib
import sys

#: Benchmark modules run by ``python -m bench``; each has ``main(argv) -> int``.
BENCHES = ("bench.signin_commit", "bench.open_store")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer samples")
    args = parser.parse_args(argv)
    failed = []
    for name in BENCHES:
        print(f"== {name}", flush=True)
        code = importlib.import_module(name).main(["--quick"] if args.quick else [])
        if code != 0:
            failed.append(name)
        print(flush=True)
    if failed:
        print("targets missed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
