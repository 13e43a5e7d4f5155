"""Request counters for /metrics (Prometheus text format), kept per process."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

_BUCKETS = (5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 1000.0)


@dataclass
class Metrics:
    requests: dict[tuple[str, int], int] = field(default_factory=lambda: defaultdict(int))
    buckets: dict[str, list[int]] = field(default_factory=dict)
    sums: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def observe(self, path: str, status: int, duration_ms: float) -> None:
        self.requests[(path, status)] += 1
        counts = self.buckets.setdefault(path, [0] * (len(_BUCKETS) + 1))
        for i, bound in enumerate(_BUCKETS):
            if duration_ms <= bound:
                counts[i] += 1
        counts[-1] += 1
        self.sums[path] += duration_ms

    def render(self, extra: dict[str, float] | None = None) -> str:
        lines = ["# TYPE wellness_requests_total counter"]
        for (path, status), n in sorted(self.requests.items()):
            lines.append(f'wellness_requests_total{{path="{path}",status="{status}"}} {n}')
        lines.append("# TYPE wellness_request_duration_ms histogram")
        for path, counts in sorted(self.buckets.items()):
            for bound, n in zip((*map(str, _BUCKETS), "+Inf"), counts, strict=True):
                lines.append(f'wellness_request_duration_ms_bucket{{path="{path}",le="{bound}"}} {n}')
            lines.append(f'wellness_request_duration_ms_sum{{path="{path}"}} {self.sums[path]:.3f}')
            lines.append(f'wellness_request_duration_ms_count{{path="{path}"}} {counts[-1]}')
        for name, value in sorted((extra or {}).items()):
            lines.append(f"# TYPE {name} gauge")
            lines.append(f"{name} {value}")
        return "\n".join(lines) + "\n"
