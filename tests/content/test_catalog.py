from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from wellness.content.catalog import (
    CONTENT_DIR,
    Catalog,
    ContentError,
    ContentProblem,
    check_content,
    load_catalog,
)
from wellness.content.schema import BANNED_NUDGE_WORDS, NUDGE_KINDS, find_banned_words
from wellness.services.content import tip_for_day

ALLOWED_SOURCE_DOMAINS = (
    "medlineplus.gov",
    "nih.gov",
    "samhsa.gov",
    "dietaryguidelines.gov",
    "myplate.gov",
    "cdc.gov",
)
REQUIRED_BANNED = (
    "opioid", "craving", "relapse", "methadone", "buprenorphine", "naloxone", "overdose",
    "counselor", "clinic", "score", "substance", "recovery", "mood", "drug", "alcohol", "sober",
    "addiction", "treatment", "suicide", "crisis", "therapy",
)  # fmt: skip


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A private copy of the shipped content to break."""
    copy = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return copy


def read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def write(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")


def where(problems: list[ContentProblem]) -> set[tuple[str, str]]:
    return {(problem.file, problem.field) for problem in problems}


def sentences(text: str) -> int:
    return len(re.findall(r"[.!?](?:\"|”)?(?:\s|$)", text))


# --- the shipped content -----------------------------------------------------------------------


def test_shipped_content_has_no_problems() -> None:
    assert check_content() == []


def test_every_meditation_lasts_as_long_as_its_steps(catalog: Catalog) -> None:
    for meditation in catalog.meditations:
        assert sum(step.seconds for step in meditation.steps) == meditation.duration_seconds
        assert 60 <= meditation.duration_seconds <= 1200


def test_meditations_cover_the_themes_people_need(catalog: Catalog) -> None:
    assert len(catalog.meditations) >= 16
    tags = {tag for meditation in catalog.meditations for tag in meditation.tags}
    assert {
        "sos", "craving", "body", "breath", "grounding", "kindness", "lapse", "emotions", "sleep",
        "morning", "movement", "eating", "pain", "gratitude", "unguided",
    } <= tags  # fmt: skip
    for slug in (
        "sos-breath", "urge-surfing", "body-scan", "breath-counting", "box-breathing",
        "grounding-5-4-3-2-1", "loving-kindness", "self-compassion-after-a-lapse",
        "rain-difficult-emotion", "sleep-wind-down", "morning-intention", "mindful-walking",
        "mindful-eating", "gentle-attention-to-pain", "gratitude",
    ):  # fmt: skip
        assert catalog.meditation(slug) is not None, slug
    sos = catalog.meditation("sos-breath")
    assert sos is not None and sos.duration_seconds == 60


def test_meditations_are_sorted_by_slug(catalog: Catalog) -> None:
    slugs = [meditation.slug for meditation in catalog.meditations]
    assert slugs == sorted(slugs)


def test_a_timer_rings_bells_at_intervals(catalog: Catalog) -> None:
    timers = [meditation for meditation in catalog.meditations if meditation.kind == "timer"]
    assert timers
    for timer in timers:
        assert "unguided" in timer.tags
        assert sum(step.bell for step in timer.steps) >= 3
        assert all(len(step.text) < 80 for step in timer.steps)


def test_there_are_enough_tips_each_from_a_public_us_government_source(catalog: Catalog) -> None:
    assert len(catalog.tips) >= 40
    for tip in catalog.tips:
        url = urlsplit(tip.source.url)
        host = url.hostname or ""
        assert url.scheme == "https", tip.slug
        assert any(host == d or host.endswith("." + d) for d in ALLOWED_SOURCE_DOMAINS), tip.slug
        assert tip.source.name, tip.slug
        assert 2 <= sentences(tip.body) <= 4, tip.slug
        assert 1 <= sentences(tip.why_it_matters) <= 3, tip.slug


def test_tips_make_no_cure_claims(catalog: Catalog) -> None:
    claims = re.compile(r"\b(cures?|prevents?|guarantee[sd]?|detox(es|ify)?|miracle)\b", re.I)
    for tip in catalog.tips:
        assert not claims.search(f"{tip.title} {tip.body} {tip.why_it_matters}"), tip.slug


def test_lookups_find_content_by_slug(catalog: Catalog) -> None:
    first = catalog.tips[0]
    assert catalog.tip(first.slug) == first
    assert catalog.tip("no-such-tip") is None
    assert catalog.meditation("no-such-meditation") is None


def test_tip_for_day_changes_daily_and_repeats_within_a_day(catalog: Catalog) -> None:
    today = date(2026, 11, 3)
    assert tip_for_day(catalog, "u", today) == tip_for_day(catalog, "u", today)
    assert tip_for_day(catalog, "u", today) != tip_for_day(catalog, "u", today + timedelta(days=1))


def test_screeners_use_the_standard_wording(catalog: Catalog) -> None:
    phq9, gad7 = catalog.instruments["phq9"], catalog.instruments["gad7"]
    assert len(phq9.items) == 9 and len(gad7.items) == 7
    assert phq9.items[8].id == "phq9_9"
    assert phq9.items[8].text.startswith("Thoughts that you would be better off dead")
    assert [item.text for item in catalog.instruments["phq2"].items] == [
        item.text for item in phq9.items[:2]
    ]
    assert [item.text for item in catalog.instruments["gad2"].items] == [
        item.text for item in gad7.items[:2]
    ]
    assert [(o.value, o.label) for o in phq9.options] == [
        (0, "Not at all"),
        (1, "Several days"),
        (2, "More than half the days"),
        (3, "Nearly every day"),
    ]
    assert "Pfizer" in phq9.attribution and "Pfizer" in gad7.attribution


def test_crisis_resources_name_the_us_lines(catalog: Catalog) -> None:
    values = {a.value for contact in catalog.crisis.contacts for a in contact.actions}
    assert {"tel:988", "sms:988", "tel:911", "tel:+18006624357", "tel:+18004874889"} <= values
    assert "not an emergency service" in catalog.crisis.disclaimer
    steps = " ".join(catalog.crisis.overdose_steps)
    assert "911" in steps and "naloxone" in steps and "second dose" in steps
    assert any("tolerance" in note for note in catalog.crisis.notes)


def test_nudge_copy_never_says_what_the_app_is_for(catalog: Catalog) -> None:
    assert set(REQUIRED_BANNED) <= set(BANNED_NUDGE_WORDS)
    banned = re.compile(
        r"\b(?:" + "|".join(map(re.escape, BANNED_NUDGE_WORDS)) + r")", re.IGNORECASE
    )
    assert set(catalog.nudge_copy) == set(NUDGE_KINDS)
    for kind, variants in catalog.nudge_copy.items():
        assert len(variants) >= 8, kind
        assert len(set(variants)) == len(variants), kind
        for variant in variants:
            assert not banned.search(variant.title), variant.title
            assert not banned.search(variant.body), variant.body


def test_find_banned_words_matches_whole_words_and_their_endings() -> None:
    assert find_banned_words("Cravings and a Counselor") == ["Cravings", "Counselor"]
    assert find_banned_words("a pillow, a scoreboard") == []


# --- the bundle and the version ------------------------------------------------------------------


def test_bundle_has_what_the_pwa_needs_offline_and_no_nudge_copy(catalog: Catalog) -> None:
    bundle = catalog.bundle()
    assert set(bundle) == {"version", "meditations", "tips", "instruments", "crisis"}
    assert bundle["version"] == catalog.version
    assert bundle["meditations"][0]["steps"]
    assert set(bundle["instruments"]) == {"phq9", "gad7", "phq2", "gad2"}
    assert json.loads(catalog.bundle_bytes()) == bundle
    assert catalog.bundle_bytes() is catalog.bundle_bytes()


def test_version_is_stable_across_loads(catalog: Catalog) -> None:
    assert re.fullmatch(r"[0-9a-f]{64}", catalog.version)
    assert load_catalog().version == catalog.version


def test_version_changes_when_content_changes(content: Path, catalog: Catalog) -> None:
    assert load_catalog(content).version == catalog.version
    tips = read(content / "tips.json")
    tips[0]["title"] += "!"
    write(content / "tips.json", tips)
    assert load_catalog(content).version != catalog.version


def test_importing_the_catalog_reads_no_files() -> None:
    code = (
        "import sys\n"
        "opened = []\n"
        "sys.addaudithook(lambda e, a: opened.append(str(a[0])) if e == 'open' else None)\n"
        "import wellness.content.catalog\n"
        "print([p for p in opened if p.endswith('.json')])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


# --- broken content ------------------------------------------------------------------------------


def test_bad_json_is_reported_with_its_line(content: Path) -> None:
    (content / "tips.json").write_text('[\n  {"slug": "a",}\n]\n', encoding="utf-8")
    problems = check_content(content)
    assert ("tips.json", "line 2") in where(problems)


def test_a_missing_field_is_named(content: Path) -> None:
    path = content / "meditations" / "body-scan.json"
    meditation = read(path)
    del meditation["title"]
    write(path, meditation)
    problems = check_content(content)
    assert ContentProblem("meditations/body-scan.json", "title", "Field required") in problems


def test_steps_that_do_not_add_up_are_reported(content: Path) -> None:
    path = content / "meditations" / "box-breathing.json"
    meditation = read(path)
    meditation["steps"][3]["seconds"] += 1
    write(path, meditation)
    problems = check_content(content)
    assert where(problems) == {("meditations/box-breathing.json", "duration_seconds")}
    assert "add up to" in problems[0].message


def test_a_duplicate_slug_is_reported(content: Path) -> None:
    tips = read(content / "tips.json")
    tips[1]["slug"] = tips[0]["slug"]
    write(content / "tips.json", tips)
    assert ("tips.json", "1.slug") in where(check_content(content))


def test_a_duplicate_meditation_slug_is_reported(content: Path) -> None:
    meditation = read(content / "meditations" / "gratitude.json")
    write(content / "meditations" / "gratitude-copy.json", meditation)
    problems = check_content(content)
    duplicates = [p for p in problems if p.message.startswith("duplicate slug")]
    assert [(p.field, p.message) for p in duplicates] == [
        ("slug", "duplicate slug, also in meditations/gratitude-copy.json")
    ]
    assert ("meditations/gratitude-copy.json", "slug") in where(problems)


def test_every_problem_in_every_file_is_reported_at_once(content: Path) -> None:
    (content / "crisis_resources.json").write_text("{", encoding="utf-8")
    meditation = read(content / "meditations" / "sos-breath.json")
    meditation["steps"][0]["seconds"] = "8"
    meditation["tags"].append("spooky")
    meditation["colour"] = "blue"
    write(content / "meditations" / "sos-breath.json", meditation)
    tips = read(content / "tips.json")
    del tips[4]["body"]
    tips[7]["source"]["url"] = "http://example.com"
    write(content / "tips.json", tips)
    nudges = read(content / "nudge_copy.json")
    nudges["checkin"][2]["body"] = "How is your craving today?"
    write(content / "nudge_copy.json", nudges)
    instruments = read(content / "instruments.json")
    instruments[0]["bands"][1]["min"] = 6
    instruments[1]["bands"][2]["min"] = 9
    write(content / "instruments.json", instruments)

    problems = check_content(content)
    assert {
        ("crisis_resources.json", "line 1"),
        ("meditations/sos-breath.json", "steps.0.seconds"),
        ("meditations/sos-breath.json", "colour"),
        ("tips.json", "4.body"),
        ("tips.json", "7.source.url"),
        ("nudge_copy.json", "checkin.2.body"),
        ("instruments.json", "0.bands.1.min"),
        ("instruments.json", "1.bands.2.min"),
    } <= where(problems)
    messages = {str(problem) for problem in problems}
    assert "instruments.json: 0.bands.1.min: gap: totals 5–5 are in no band" in messages
    assert (
        "instruments.json: 1.bands.2.min: overlap: totals 9–9 are in another band too" in messages
    )
    assert any("'craving'" in m for m in messages)

    with pytest.raises(ContentError) as raised:
        load_catalog(content)
    assert raised.value.problems == problems
    assert "tips.json: 4.body: Field required" in str(raised.value).splitlines()


def test_an_unknown_tag_is_reported(content: Path) -> None:
    path = content / "meditations" / "gratitude.json"
    meditation = read(path)
    meditation["tags"].append("spooky")
    write(path, meditation)
    problems = check_content(content)
    assert ("meditations/gratitude.json", f"tags.{len(meditation['tags']) - 1}") in where(problems)


def test_bands_that_stop_short_are_reported(content: Path) -> None:
    instruments = read(content / "instruments.json")
    instruments[1]["bands"][-1]["max"] = 20
    instruments[2]["bands"][1]["suggest_full"] = "phq10"
    write(content / "instruments.json", instruments)
    problems = check_content(content)
    assert ("instruments.json", "1.bands") in where(problems)
    assert ("instruments.json", "2.bands.1.suggest_full") in where(problems)


def test_the_self_harm_flag_cannot_be_removed(content: Path) -> None:
    instruments = read(content / "instruments.json")
    instruments[0]["flags"] = []
    write(content / "instruments.json", instruments)
    assert any("self_harm" in p.message for p in check_content(content))


# --- replacing the crisis resources ----------------------------------------------------------------

UK_CRISIS = {
    "region": "GB",
    "disclaimer": "This app is not an emergency service. If you are in danger, call 999.",
    "contacts": [
        {
            "id": "emergency",
            "name": "Emergency: 999",
            "description": "For an overdose or immediate danger.",
            "actions": [{"kind": "call", "label": "Call 999", "value": "tel:999"}],
        },
        {
            "id": "samaritans",
            "name": "Samaritans",
            "description": "Free, any time, day or night.",
            "actions": [{"kind": "call", "label": "Call 116 123", "value": "tel:116123"}],
        },
    ],
    "overdose_steps": ["Call 999.", "Give naloxone if you have it."],
}


def test_a_valid_crisis_file_replaces_the_default(tmp_path: Path, catalog: Catalog) -> None:
    path = tmp_path / "uk.json"
    write(path, UK_CRISIS)
    replaced = load_catalog(crisis_file=path)
    assert replaced.crisis.region == "GB"
    assert [c.id for c in replaced.crisis.contacts] == ["emergency", "samaritans"]
    assert replaced.bundle()["crisis"]["contacts"][1]["actions"][0]["value"] == "tel:116123"
    assert replaced.version != catalog.version


def test_an_invalid_crisis_file_is_refused_naming_the_field(tmp_path: Path) -> None:
    path = tmp_path / "uk.json"
    broken = json.loads(json.dumps(UK_CRISIS))
    broken["contacts"][1]["actions"][0]["kind"] = "fax"
    del broken["disclaimer"]
    write(path, broken)
    with pytest.raises(ContentError) as raised:
        load_catalog(crisis_file=path)
    assert where(raised.value.problems) == {
        (str(path), "disclaimer"),
        (str(path), "contacts.1.actions.0.kind"),
    }


def test_a_crisis_action_needs_a_usable_link(tmp_path: Path) -> None:
    path = tmp_path / "uk.json"
    broken = json.loads(json.dumps(UK_CRISIS))
    broken["contacts"][0]["actions"][0]["value"] = "999"
    write(path, broken)
    assert where(check_content(crisis_file=path)) == {(str(path), "contacts.0.actions.0.value")}


def test_a_missing_crisis_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.json"
    assert check_content(crisis_file=path) == [ContentProblem(str(path), "", "file is missing")]


def test_a_repeated_json_key_is_reported(content: Path) -> None:
    path = content / "meditations" / "gratitude.json"
    path.write_text(path.read_text().replace('"level"', '"title": "Again",\n  "level"', 1))
    assert ContentProblem(
        "meditations/gratitude.json", "", "the key 'title' appears twice in one object"
    ) in check_content(content)
