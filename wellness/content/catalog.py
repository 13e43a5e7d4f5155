"""The content catalog: reads, validates and versions the data files in this folder."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from wellness.content.schema import (
    _ACTION_VALUE,
    MEDITATION_TAGS,
    NUDGE_KINDS,
    REQUIRED_INSTRUMENTS,
    TIP_TAGS,
    Band,
    CrisisResources,
    Instrument,
    Meditation,
    NudgeCopy,
    Tip,
    _NudgeFile,
    find_banned_words,
)

CONTENT_DIR = Path(__file__).resolve().parent


# --- problems ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ContentProblem:
    file: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        return f"{where}: {self.message}"


class ContentError(Exception):
    def __init__(self, problems: Sequence[ContentProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


# --- the catalog -------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Catalog:
    meditations: tuple[Meditation, ...]
    tips: tuple[Tip, ...]
    instruments: Mapping[str, Instrument]
    crisis: CrisisResources
    nudge_copy: Mapping[str, tuple[NudgeCopy, ...]]
    version: str

    def meditation(self, slug: str) -> Meditation | None:
        return self._meditations_by_slug.get(slug)

    def tip(self, slug: str) -> Tip | None:
        return self._tips_by_slug.get(slug)

    def bundle(self) -> dict[str, Any]:
        """Everything the PWA needs offline (nudge copy stays on the server)."""
        return {
            "version": self.version,
            "meditations": [_dump(meditation) for meditation in self.meditations],
            "tips": [_dump(tip) for tip in self.tips],
            "instruments": {key: _dump(value) for key, value in self.instruments.items()},
            "crisis": _dump(self.crisis),
        }

    def bundle_bytes(self) -> bytes:
        return self._bundle_bytes

    @cached_property
    def _bundle_bytes(self) -> bytes:
        return json.dumps(self.bundle(), separators=(",", ":"), ensure_ascii=False).encode()

    @cached_property
    def _meditations_by_slug(self) -> Mapping[str, Meditation]:
        return {meditation.slug: meditation for meditation in self.meditations}

    @cached_property
    def _tips_by_slug(self) -> Mapping[str, Tip]:
        return {tip.slug: tip for tip in self.tips}


def _dump(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json", exclude_none=True)


def load_catalog(content_dir: Path | None = None, crisis_file: Path | None = None) -> Catalog:
    """Read and validate every content file; raise ContentError listing all problems."""
    catalog, problems = _read(content_dir or CONTENT_DIR, crisis_file)
    if catalog is None:
        raise ContentError(problems)
    return catalog


def check_content(
    content_dir: Path | None = None, crisis_file: Path | None = None
) -> list[ContentProblem]:
    """Every problem in every content file, or [] when the content is fine."""
    return _read(content_dir or CONTENT_DIR, crisis_file)[1]


# --- reading -----------------------------------------------------------------------------------

M = TypeVar("M", bound=BaseModel)


class _Reader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[ContentProblem] = []

    def add(self, file: str, field: str, message: str) -> None:
        self.problems.append(ContentProblem(file, field, message))

    def json(self, path: Path, name: str) -> tuple[bool, Any]:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            self.add(name, "", "file is missing")
            return False, None
        except (OSError, UnicodeDecodeError) as exc:
            self.add(name, "", f"cannot be read: {exc}")
            return False, None
        repeated: list[str] = []
        try:
            data = json.loads(text, object_pairs_hook=lambda pairs: _no_repeats(pairs, repeated))
        except json.JSONDecodeError as exc:
            self.add(name, f"line {exc.lineno}", f"invalid JSON: {exc.msg} (column {exc.colno})")
            return False, None
        for key in repeated:
            self.add(name, "", f"the key {key!r} appears twice in one object")
        return not repeated, data

    def model(self, cls: type[M], data: Any, name: str, prefix: str = "") -> M | None:
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                if _echoes_item_errors(error):
                    continue
                field = ".".join(str(part) for part in (prefix, *error["loc"]) if part != "")
                self.add(name, field, error["msg"])
            return None

    def models(self, cls: type[M], data: Any, name: str) -> list[tuple[int, M]]:
        if not isinstance(data, list):
            self.add(name, "", "should be a JSON list")
            return []
        if not data:
            self.add(name, "", "the list is empty")
        checked = (
            (index, self.model(cls, raw, name, str(index))) for index, raw in enumerate(data)
        )
        return [(index, model) for index, model in checked if model is not None]


def _echoes_item_errors(error: ErrorDetails) -> bool:
    """Pydantic adds "too short" for a long-enough list whose items failed: noise, not news."""
    data = error["input"]
    minimum = error.get("ctx", {}).get("min_length", 0)
    return error["type"] == "too_short" and isinstance(data, list) and len(data) >= minimum


def _no_repeats(pairs: list[tuple[str, Any]], repeated: list[str]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            repeated.append(key)
        seen[key] = value
    return seen


def _read(root: Path, crisis_file: Path | None) -> tuple[Catalog | None, list[ContentProblem]]:
    reader = _Reader(root)
    meditations = sorted(_read_meditations(reader), key=lambda meditation: meditation.slug)
    tips = _read_tips(reader)
    instruments = _read_instruments(reader)
    crisis = _read_crisis(reader, crisis_file)
    nudges = _read_nudges(reader)
    if reader.problems or crisis is None or nudges is None:
        return None, reader.problems
    nudge_copy = {kind: getattr(nudges, kind) for kind in NUDGE_KINDS}
    everything = {
        "meditations": [m.model_dump(mode="json") for m in meditations],
        "tips": [tip.model_dump(mode="json") for tip in tips],
        "instruments": {key: value.model_dump(mode="json") for key, value in instruments.items()},
        "crisis": crisis.model_dump(mode="json"),
        "nudge_copy": nudges.model_dump(mode="json"),
    }
    canonical = json.dumps(everything, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    catalog = Catalog(
        meditations=tuple(meditations),
        tips=tuple(tips),
        instruments=MappingProxyType(dict(sorted(instruments.items()))),
        crisis=crisis,
        nudge_copy=MappingProxyType(nudge_copy),
        version=hashlib.sha256(canonical.encode()).hexdigest(),
    )
    return catalog, []


def _read_meditations(reader: _Reader) -> list[Meditation]:
    folder = reader.root / "meditations"
    paths = sorted(folder.glob("*.json"))
    if not paths:
        reader.add("meditations", "", "no meditation files (meditations/*.json) found")
    found: dict[str, str] = {}
    meditations = []
    for path in paths:
        name = f"meditations/{path.name}"
        ok, data = reader.json(path, name)
        meditation = reader.model(Meditation, data, name) if ok else None
        if meditation is None:
            continue
        meditations.append(meditation)
        if meditation.slug != path.stem:
            reader.add(name, "slug", f"is {meditation.slug!r} but the file is named {path.name!r}")
        if meditation.slug in found:
            reader.add(name, "slug", f"duplicate slug, also in {found[meditation.slug]}")
        found.setdefault(meditation.slug, name)
        total = sum(step.seconds for step in meditation.steps)
        if total != meditation.duration_seconds:
            reader.add(
                name,
                "duration_seconds",
                f"is {meditation.duration_seconds} but the steps add up to {total}",
            )
        if meditation.kind == "timer" and not any(step.bell for step in meditation.steps):
            reader.add(name, "steps", "a timer needs at least one step with a bell")
        _check_tags(reader, name, "", meditation.tags, MEDITATION_TAGS)
    return meditations


def _read_tips(reader: _Reader) -> list[Tip]:
    ok, data = reader.json(reader.root / "tips.json", "tips.json")
    tips = reader.models(Tip, data, "tips.json") if ok else []
    found: dict[str, int] = {}
    for index, tip in tips:
        if tip.slug in found:
            reader.add("tips.json", f"{index}.slug", f"duplicate slug, also at {found[tip.slug]}")
        found.setdefault(tip.slug, index)
        _check_tags(reader, "tips.json", f"{index}.", tip.tags, TIP_TAGS)
    return [tip for _, tip in tips]


def _check_tags(
    reader: _Reader, name: str, prefix: str, tags: Sequence[str], known: frozenset[str]
) -> None:
    for position, tag in enumerate(tags):
        if tag not in known:
            reader.add(name, f"{prefix}tags.{position}", f"unknown tag {tag!r}")


def _read_instruments(reader: _Reader) -> dict[str, Instrument]:
    name = "instruments.json"
    problems_before = len(reader.problems)
    ok, data = reader.json(reader.root / name, name)
    instruments: dict[str, Instrument] = {}
    parsed = reader.models(Instrument, data, name) if ok else []
    for index, instrument in parsed:
        if instrument.id in instruments:
            reader.add(name, f"{index}.id", f"duplicate instrument id {instrument.id!r}")
        instruments.setdefault(instrument.id, instrument)
        for problem in _instrument_problems(instrument):
            reader.add(name, f"{index}.{problem[0]}", problem[1])
    for index, instrument in parsed:
        for position, band in enumerate(instrument.bands):
            if band.suggest_full is not None and band.suggest_full not in instruments:
                field = f"{index}.bands.{position}.suggest_full"
                reader.add(name, field, f"no instrument has the id {band.suggest_full!r}")
    if len(reader.problems) == problems_before:
        for required in REQUIRED_INSTRUMENTS:
            if required not in instruments:
                reader.add(name, "", f"the instrument {required!r} is required")
        phq9 = instruments.get("phq9")
        if phq9 is not None and not any(flag.kind == "self_harm" for flag in phq9.flags):
            reader.add(name, "", "phq9 needs a 'self_harm' flag: safety alerts rely on it")
    return instruments


def _instrument_problems(instrument: Instrument) -> Iterator[tuple[str, str]]:
    item_ids = [item.id for item in instrument.items]
    for position, item_id in enumerate(item_ids):
        if item_id in item_ids[:position]:
            yield f"items.{position}.id", f"duplicate item id {item_id!r}"
    values = [option.value for option in instrument.options]
    for position, value in enumerate(values):
        if value in values[:position]:
            yield f"options.{position}.value", f"duplicate option value {value}"
    for position, flag in enumerate(instrument.flags):
        if flag.item not in item_ids:
            yield f"flags.{position}.item", f"no item has the id {flag.item!r}"
    lowest, highest = len(item_ids) * min(values), len(item_ids) * max(values)
    yield from _band_problems(instrument.bands, lowest, highest)


def _band_problems(bands: Sequence[Band], lowest: int, highest: int) -> Iterator[tuple[str, str]]:
    """Bands must cover every possible total exactly once."""
    next_total = lowest
    for position in sorted(range(len(bands)), key=lambda i: (bands[i].min, bands[i].max)):
        band = bands[position]
        if band.min > band.max:
            yield f"bands.{position}", f"min {band.min} is above max {band.max}"
            continue
        if band.min > next_total:
            yield f"bands.{position}.min", f"gap: totals {next_total}–{band.min - 1} are in no band"
        elif band.min < next_total:
            overlap = f"{band.min}–{min(band.max, next_total - 1)}"
            yield f"bands.{position}.min", f"overlap: totals {overlap} are in another band too"
        if band.max > highest:
            yield f"bands.{position}.max", f"is above the highest possible total, {highest}"
        next_total = max(next_total, band.max + 1)
    if next_total <= highest:
        yield "bands", f"gap: totals {next_total}–{highest} are in no band"


def _read_crisis(reader: _Reader, crisis_file: Path | None) -> CrisisResources | None:
    path = crisis_file or reader.root / "crisis_resources.json"
    name = str(crisis_file) if crisis_file else "crisis_resources.json"
    ok, data = reader.json(path, name)
    crisis = reader.model(CrisisResources, data, name) if ok else None
    if crisis is None:
        return None
    ids: list[str] = []
    for index, contact in enumerate(crisis.contacts):
        if contact.id in ids:
            reader.add(name, f"contacts.{index}.id", f"duplicate contact id {contact.id!r}")
        ids.append(contact.id)
        for position, action in enumerate(contact.actions):
            if not _ACTION_VALUE[action.kind].match(action.value):
                example = {"call": "tel:+18005551234", "text": "sms:988", "chat": "https://…"}
                reader.add(
                    name,
                    f"contacts.{index}.actions.{position}.value",
                    f"a {action.kind} action needs a value like {example[action.kind]!r}",
                )
    return crisis


def _read_nudges(reader: _Reader) -> _NudgeFile | None:
    name = "nudge_copy.json"
    ok, data = reader.json(reader.root / name, name)
    nudges = reader.model(_NudgeFile, data, name) if ok else None
    if nudges is None:
        return None
    for kind in NUDGE_KINDS:
        variants: tuple[NudgeCopy, ...] = getattr(nudges, kind)
        for index, variant in enumerate(variants):
            if variant in variants[:index]:
                reader.add(name, f"{kind}.{index}", "repeats an earlier variant")
            for part in ("title", "body"):
                for word in find_banned_words(getattr(variant, part)):
                    reader.add(
                        name,
                        f"{kind}.{index}.{part}",
                        f"contains {word!r}, which could reveal what the app is for",
                    )
    return nudges
