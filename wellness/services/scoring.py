"""Scoring the screeners (PHQ-9, GAD-7, PHQ-2, GAD-2) from their definitions in the content."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from wellness.content.schema import Instrument


@dataclass(frozen=True, slots=True)
class ScreenerScore:
    instrument_id: str
    total: int
    band: str
    flags: list[str]
    suggest_full: str | None


def score_screener(instrument: Instrument, answers: Sequence[int]) -> ScreenerScore:
    """Total the answers, find the band and raise any flags (e.g. PHQ-9 item 9 → "self_harm").

    Raises ValueError naming the problem when there are too few or too many answers, or an
    answer is not one of the instrument's option values. The message never repeats an answer.
    """
    if len(answers) != len(instrument.items):
        raise ValueError(
            f"{instrument.id} needs {len(instrument.items)} answers, got {len(answers)}"
        )
    allowed = sorted(option.value for option in instrument.options)
    for position, (item, answer) in enumerate(zip(instrument.items, answers, strict=True), 1):
        if isinstance(answer, bool) or not isinstance(answer, int) or answer not in allowed:
            choices = ", ".join(map(str, allowed))
            raise ValueError(f"answer {position} ({item.id}) must be one of {choices}")
    total = sum(answers)
    band = next((band for band in instrument.bands if band.min <= total <= band.max), None)
    if band is None:
        raise ValueError(f"{instrument.id} has a total with no band; check its content")
    by_item = {item.id: answer for item, answer in zip(instrument.items, answers, strict=True)}
    flags: list[str] = []
    for flag in instrument.flags:
        if by_item.get(flag.item, 0) >= flag.min and flag.kind not in flags:
            flags.append(flag.kind)
    return ScreenerScore(instrument.id, total, band.label, flags, band.suggest_full)
