"""Write the PWA's icons as real PNGs using only the standard library (zlib, struct).

The design is deliberately abstract (two soft circles on teal): nothing on a home screen should
hint at what the app is for. Run: python scripts/make_icons.py
"""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "static" / "pwa" / "icons"
BG = (45, 90, 95)
FG = (246, 244, 239)
ACCENT = (140, 199, 201)


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def png(width: int, height: int, rows: list[bytes]) -> bytes:
    raw = b"".join(b"\x00" + row for row in rows)  # filter type 0 per row
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(raw, 9)) + _chunk(b"IEND", b""))


def _cover(distance_inside: float) -> float:
    """Anti-aliased coverage from a signed distance (positive inside), one pixel wide."""
    return max(0.0, min(1.0, distance_inside + 0.5))


def _mix(a: tuple[int, ...], b: tuple[int, ...], t: float) -> tuple[int, ...]:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def draw(size: int, maskable: bool) -> bytes:
    c = size / 2
    # Maskable icons keep their motif inside the central 80% safe zone; "any" icons are a
    # rounded square with transparent corners.
    scale = 0.8 if maskable else 1.0
    corner = 0 if maskable else size * 0.22
    ring_r, ring_w = size * 0.30 * scale, size * 0.045 * scale
    dot_r = size * 0.11 * scale
    dot_x, dot_y = c + size * 0.07 * scale, c - size * 0.07 * scale
    rows = []
    for y in range(size):
        row = bytearray()
        for x in range(size):
            px, py = x + 0.5, y + 0.5
            # rounded-square background
            dx = max(abs(px - c) - (c - corner), 0.0)
            dy = max(abs(py - c) - (c - corner), 0.0)
            alpha = _cover(corner - math.hypot(dx, dy)) if corner else 1.0
            colour: tuple[int, ...] = BG
            d = math.hypot(px - c, py - c)
            colour = _mix(colour, FG, _cover(ring_w / 2 - abs(d - ring_r)))
            colour = _mix(colour, ACCENT, _cover(dot_r - math.hypot(px - dot_x, py - dot_y)))
            row += bytes((*colour, round(alpha * 255)))
        rows.append(bytes(row))
    return png(size, size, rows)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, size, maskable in [("icon-192.png", 192, False), ("icon-512.png", 512, False),
                                 ("icon-maskable-512.png", 512, True)]:
        (OUT / name).write_bytes(draw(size, maskable))
        print(f"wrote {OUT / name}")


if __name__ == "__main__":
    main()
