from __future__ import annotations

import pytest

from wellness.content.catalog import load_catalog
from wellness.content.schema import Instrument
from wellness.services.scoring import ScreenerScore, score_screener


@pytest.fixture(scope="module")
def instruments() -> dict[str, Instrument]:
    return dict(load_catalog().instruments)


def answers_for(total: int, items: int, last: int = 0) -> list[int]:
    """Answers adding up to `total`, with the last item fixed at `last` (PHQ-9 item 9)."""
    answers = [0] * items
    answers[-1] = last
    remaining = total - last
    for index in range(items - 1):
        answers[index] = min(3, remaining)
        remaining -= answers[index]
    assert remaining == 0 and sum(answers) == total
    return answers


PHQ9_BANDS = [
    (0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"),
    (14, "moderate"), (15, "moderately severe"), (19, "moderately severe"), (20, "severe"),
    (24, "severe"),
]  # fmt: skip
GAD7_BANDS = [
    (0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"),
    (14, "moderate"), (15, "severe"), (21, "severe"),
]  # fmt: skip


@pytest.mark.parametrize(("total", "band"), PHQ9_BANDS)
def test_phq9_band_boundaries(instruments: dict[str, Instrument], total: int, band: str) -> None:
    score = score_screener(instruments["phq9"], answers_for(total, 9))
    assert score == ScreenerScore("phq9", total, band, [], None)


def test_phq9_highest_total_is_severe_and_flagged(instruments: dict[str, Instrument]) -> None:
    score = score_screener(instruments["phq9"], [3] * 9)
    assert (score.total, score.band, score.flags) == (27, "severe", ["self_harm"])


@pytest.mark.parametrize(("total", "band"), GAD7_BANDS)
def test_gad7_band_boundaries(instruments: dict[str, Instrument], total: int, band: str) -> None:
    score = score_screener(instruments["gad7"], answers_for(total, 7, last=min(total, 3)))
    assert score == ScreenerScore("gad7", total, band, [], None)


@pytest.mark.parametrize(("short", "full"), [("phq2", "phq9"), ("gad2", "gad7")])
def test_short_screeners_suggest_the_full_one_from_3(
    instruments: dict[str, Instrument], short: str, full: str
) -> None:
    below = score_screener(instruments[short], [1, 1])
    assert (below.total, below.band, below.suggest_full) == (2, "below screening threshold", None)
    at = score_screener(instruments[short], [2, 1])
    assert (at.total, at.suggest_full) == (3, full)
    top = score_screener(instruments[short], [3, 3])
    assert (top.total, top.suggest_full) == (6, full)


def test_item_9_flags_self_harm_whatever_the_total(instruments: dict[str, Instrument]) -> None:
    low = score_screener(instruments["phq9"], [0, 0, 0, 0, 0, 0, 0, 0, 1])
    assert (low.total, low.band, low.flags) == (1, "minimal", ["self_harm"])
    high = score_screener(instruments["phq9"], [3, 3, 3, 3, 3, 3, 3, 3, 0])
    assert (high.total, high.band, high.flags) == (24, "severe", [])


def test_no_other_screener_raises_flags(instruments: dict[str, Instrument]) -> None:
    assert score_screener(instruments["gad7"], [3] * 7).flags == []
    assert score_screener(instruments["phq2"], [3, 3]).flags == []


@pytest.mark.parametrize("answers", [[], [0] * 8, [0] * 10])
def test_the_wrong_number_of_answers_is_refused(
    instruments: dict[str, Instrument], answers: list[int]
) -> None:
    with pytest.raises(ValueError, match=rf"^phq9 needs 9 answers, got {len(answers)}$"):
        score_screener(instruments["phq9"], answers)


@pytest.mark.parametrize("bad", [4, -1, 99, True])
def test_an_answer_outside_the_options_is_refused(
    instruments: dict[str, Instrument], bad: int
) -> None:
    answers = [0, 0, 0, bad, 0, 0, 0]
    with pytest.raises(ValueError, match=r"^answer 4 \(gad7_4\) must be one of 0, 1, 2, 3$"):
        score_screener(instruments["gad7"], answers)


def test_a_non_integer_answer_is_refused(instruments: dict[str, Instrument]) -> None:
    with pytest.raises(ValueError, match=r"answer 1 \(phq2_1\)"):
        score_screener(instruments["phq2"], [1.0, 0])  # type: ignore[list-item]
