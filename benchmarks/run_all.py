"""`make bench`: run every benchmark in this folder, each in its own process, print its figures,
then every goal line again (each with its baseline and PASS or MISS) as one summary."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    failed = 0
    goals: list[str] = []
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"== {script.name}", flush=True)
        proc = subprocess.Popen(
            [sys.executable, str(script)], cwd=HERE.parent, stdout=subprocess.PIPE, text=True, bufsize=1
        )
        assert proc.stdout is not None
        for line in proc.stdout:
            print(line, end="", flush=True)
            if line.rstrip().endswith(("PASS", "MISS")) or " PASS " in line or " MISS " in line:
                goals.append(f"{script.stem[6:]:9} {line.rstrip()}")
        failed += proc.wait() != 0
    print("== goals (cold runs where a page is timed; ratios against the baseline of the same run)")
    print("\n".join(goals))
    print(f"missed: {sum('MISS' in g for g in goals)} of {len(goals)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
