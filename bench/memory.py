"""Resident memory of a process, read from /proc (Linux): now, and the most it has held."""

from __future__ import annotations

from pathlib import Path


def rss_mib(pid: int | str = "self") -> tuple[float, float]:
    """(VmRSS, VmHWM) in MiB: resident set size now and at its peak so far."""
    found: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0]) / 1024  # the kernel reports kB
    return found["VmRSS"], found["VmHWM"]
