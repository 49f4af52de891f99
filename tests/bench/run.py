"""`make bench`: every benchmark, one after the other, figures printed side by side."""

import sys
from importlib import import_module
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[2]))

BENCHMARKS = ["startup", "identity", "obs", "compute"]


def main() -> None:
    for name in BENCHMARKS:
        print(f"== {name}", flush=True)
        for line in import_module(f"tests.bench.{name}").run():
            print("  " + line, flush=True)


if __name__ == "__main__":
    main()
