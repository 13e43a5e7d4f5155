"""Run every benchmark and write what each printed into bench/README.md, with the machine.

    .venv/bin/python bench/report.py [--only NAME ...] [--quick]

The figures in the README are always this script's copy of what the benchmarks printed;
nobody types them in. `--quick` uses shorter runs (for a smoke check, not for the README).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "bench" / "README.md"
PY = sys.executable

# name -> (command, quick command)
BENCHMARKS: dict[str, tuple[list[str], list[str]]] = {
    "sync_today": ([PY, "bench/sync_today.py"], [PY, "bench/sync_today.py", "--runs", "2"]),
    "nudges": ([PY, "bench/nudges.py"], [PY, "bench/nudges.py"]),
    "planner": ([PY, "bench/planner.py"], [PY, "bench/planner.py"]),
    "durability": ([PY, "bench/durability.py", "--cycles", "20"],
                   [PY, "bench/durability.py", "--cycles", "3"]),
    "load": ([PY, "bench/load.py"], [PY, "bench/load.py", "--seconds", "10"]),
    "lighthouse": (["bash", "bench/lighthouse.sh"], ["bash", "bench/lighthouse.sh"]),
}


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (f"{os.cpu_count()} cores ({cpu}){mem}, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def run(name: str, command: list[str]) -> str:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=1800,
                          check=False)
    took = time.perf_counter() - started
    out = done.stdout.strip() or "(no output)"
    status = "" if done.returncode == 0 else f" — exited {done.returncode}"
    if done.returncode != 0 and done.stderr:
        out += "\n" + "\n".join(done.stderr.strip().splitlines()[-10:])
    return f"### {name}{status}\n\n`{' '.join(Path(c).name if c == PY else c for c in command)}`" \
           f" ({took:.0f} s)\n\n```\n{out}\n```\n"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", nargs="*", choices=sorted(BENCHMARKS))
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    names = args.only or list(BENCHMARKS)
    text = README.read_text()
    for name in names:
        full, quick = BENCHMARKS[name]
        print(f"running {name} …", flush=True)
        section = run(name, quick if args.quick else full)
        print(section)
        if args.quick:
            continue
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        block = (f"<!-- figures:{name} -->\n{section}\nRun {stamp} on {machine()}.\n"
                 f"<!-- /figures:{name} -->")
        pattern = re.compile(rf"<!-- figures:{name} -->.*?<!-- /figures:{name} -->", re.S)
        found = pattern.search(text)
        if found:
            text = text[:found.start()] + block + text[found.end():]
        else:
            text = text.rstrip() + "\n\n" + block + "\n"
    if not args.quick:
        README.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
