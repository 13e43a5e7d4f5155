"""The shape of every content file, as pydantic models, and the words nudges must avoid."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt
from pydantic import StringConstraints as Str

MEDITATION_TAGS = frozenset(
    {
        "anxiety", "body", "breath", "craving", "eating", "emotions", "gratitude", "grounding",
        "kindness", "lapse", "morning", "movement", "pain", "sleep", "sos", "unguided",
    }
)  # fmt: skip
TIP_TAGS = frozenset(
    {
        "appetite", "blood-sugar", "breakfast", "budget", "caffeine", "calcium", "cooking",
        "digestion", "drinks", "fiber", "food-safety", "fruit-veg", "grains", "hydration",
        "labels", "meals", "mouth", "movement", "protein", "sleep", "snacks", "social", "sugar",
        "supplements",
    }
)  # fmt: skip
# The API serves these two by name, and safety alerts rely on PHQ-9's self-harm flag.
REQUIRED_INSTRUMENTS = ("phq9", "gad7")

# Words that must never reach a lock screen: they would tell an onlooker what the app is for.
BANNED_NUDGE_WORDS: tuple[str, ...] = (
    "addict", "addiction", "alcohol", "alert", "anxiety", "anxious", "buprenorphine", "clinic",
    "counseling", "counselling", "counselor", "counsellor", "crave", "craving", "crisis",
    "depressed", "depression", "detox", "dose", "drug", "emergency", "fentanyl", "heroin",
    "lapse", "medication", "meds", "methadone", "mood", "naloxone", "narcan", "opiate",
    "opioid", "overdose", "pill", "recovery", "rehab", "relapse", "score", "sober", "sobriety",
    "substance", "suboxone", "suicidal", "suicide", "therapist", "therapy", "treatment", "urge",
    "withdrawal",
)  # fmt: skip
_BANNED_RE = re.compile(
    r"\b(?:" + "|".join(map(re.escape, BANNED_NUDGE_WORDS)) + r")(?:s|es|d|ed|ing)?\b",
    re.IGNORECASE,
)


def find_banned_words(text: str) -> list[str]:
    """The banned words (with their plural or tense endings) that occur in `text`."""
    return [match.group(0) for match in _BANNED_RE.finditer(text)]


# --- schema ------------------------------------------------------------------------------------

Text = Annotated[str, Str(strict=True, min_length=1, max_length=1000)]
Title = Annotated[str, Str(strict=True, min_length=1, max_length=100)]
Slug = Annotated[str, Str(strict=True, pattern=r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$", max_length=64)]
HttpsUrl = Annotated[str, Str(strict=True, pattern=r"^https://[a-z0-9.-]+\.[a-z]{2,}(?:/\S*)?$")]


class _Content(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Step(_Content):
    text: Text
    seconds: Annotated[StrictInt, Field(ge=1, le=1200)]
    bell: StrictBool = False  # rings as the step begins


class Meditation(_Content):
    slug: Slug
    title: Title
    summary: Text
    level: Literal["beginner", "intermediate"]
    tags: tuple[Slug, ...] = Field(min_length=1)
    kind: Literal["guided", "timer"]
    duration_seconds: Annotated[StrictInt, Field(ge=60, le=1200)]
    steps: tuple[Step, ...] = Field(min_length=1)
    source: Text | None = None


class Source(_Content):
    name: Title
    url: HttpsUrl


class Tip(_Content):
    slug: Slug
    title: Title
    body: Text
    why_it_matters: Text
    tags: tuple[Slug, ...] = Field(min_length=1)
    source: Source


class Item(_Content):
    id: Slug
    text: Text


class Option(_Content):
    value: Annotated[StrictInt, Field(ge=0, le=100)]
    label: Title


class Band(_Content):
    min: Annotated[StrictInt, Field(ge=0)]
    max: Annotated[StrictInt, Field(ge=0)]
    label: Title
    suggest_full: Slug | None = None


class Flag(_Content):
    item: Slug
    min: Annotated[StrictInt, Field(ge=0)]
    kind: Slug


class Instrument(_Content):
    id: Slug
    title: Title
    prompt: Text
    attribution: Text
    items: tuple[Item, ...] = Field(min_length=1)
    options: tuple[Option, ...] = Field(min_length=2)
    bands: tuple[Band, ...] = Field(min_length=1)
    flags: tuple[Flag, ...] = ()


class Action(_Content):
    kind: Literal["call", "text", "chat"]
    label: Title
    value: Annotated[str, Str(strict=True, min_length=1, max_length=500)]


class Contact(_Content):
    id: Slug
    name: Title
    description: Text
    actions: tuple[Action, ...] = Field(min_length=1)


class CrisisResources(_Content):
    region: Annotated[str, Str(strict=True, pattern=r"^[A-Z]{2}$")]
    disclaimer: Text
    contacts: tuple[Contact, ...] = Field(min_length=1)
    overdose_steps: tuple[Text, ...] = ()
    notes: tuple[Text, ...] = ()


class NudgeCopy(_Content):
    title: Annotated[str, Str(strict=True, min_length=1, max_length=60)]
    body: Annotated[str, Str(strict=True, min_length=1, max_length=160)]


Variants = Annotated[tuple[NudgeCopy, ...], Field(min_length=8)]


class _NudgeFile(_Content):
    checkin: Variants
    meditation: Variants
    routine: Variants
    custom: Variants
    alert_counselor: Variants


NUDGE_KINDS: tuple[str, ...] = tuple(_NudgeFile.model_fields)
_ACTION_VALUE = {
    "call": re.compile(r"^tel:\+?[0-9][0-9-]*$"),
    "text": re.compile(r"^sms:\+?[0-9][0-9-]*$"),
    "chat": re.compile(r"^https://\S+$"),
}
