"""CPU per report of the workers' parse (``reportkit.corpus.pool.parse_chunk``) in one
process: ``python benchmarks/parse_cpu.py FOLDER [N]`` parses the first N files (default
2,000) of FOLDER in chunks of 64, three times, and prints the best CPU milliseconds a report.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from reportkit.corpus.pool import parse_chunk


def main() -> None:
    """Print the best of three passes' CPU milliseconds a report."""
    folder = Path(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    tasks = [(str(p), None) for p in sorted(folder.glob("*.txt"))[:n]]
    parse_chunk(tasks[:64], 10**8)  # imports and first-use tables
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        for i in range(0, len(tasks), 64):
            parse_chunk(tasks[i:i + 64], 10**8)
        best = min(best, (time.process_time() - start) / len(tasks) * 1000)
    print(f"parse_chunk: {best:.3f} ms CPU per report (best of 3, {len(tasks)} files)")


if __name__ == "__main__":
    main()
