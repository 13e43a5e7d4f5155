"""What a counselor sees of linked clients: the caseload and each client's series.

Every read goes through the client's link and is filtered by its scopes: data outside a
granted scope is left out of the answer, not zeroed. Every read is written to the audit chain.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from wellness.config import Settings
from wellness.content.catalog import Catalog
from wellness.crypto import Cipher
from wellness.errors import field_error
from wellness.models.accounts import User
from wellness.models.alerts import Alert, AlertState
from wellness.models.checkins import CheckIn, PracticeSession, ScreenerResult, sealed_context
from wellness.models.links import Scope
from wellness.models.routines import ItemKind, Routine
from wellness.services import routines as routine_service
from wellness.services.alerts import RULE_SCOPE, open_alert_counts
from wellness.services.audit import Access, record_access
from wellness.services.links import require_scope
from wellness.services.routines import Activity
from wellness.services.series import (
    active_links,
    checkin_series,
    last_checkin_dates,
    practice_since,
)
from wellness.services.sessions import now

ITEM_SCOPE = {
    ItemKind.CHECKIN: Scope.CHECKIN_SUMMARY,
    ItemKind.TIP: Scope.CHECKIN_SUMMARY,
    ItemKind.CUSTOM: Scope.CHECKIN_SUMMARY,
    ItemKind.MEDITATION: Scope.PRACTICE,
    ItemKind.MEDITATION_TAG: Scope.PRACTICE,
    ItemKind.SCREENER: Scope.SCREENERS,
}
ALERT_SCOPES = frozenset(RULE_SCOPE.values())
CHECKIN_SCOPES = (Scope.CHECKIN_SUMMARY, Scope.CHECKIN_DETAILS, Scope.NOTES)
MAX_RANGE_DAYS = 366


def _avg(values: Iterable[int | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(sum(present) / len(present), 1) if present else None


def _local_today(user: User) -> date:
    return now().astimezone(ZoneInfo(user.timezone)).date()


def _adherence(routines: Sequence[Routine], act: Activity, today: date, scopes: set[str],
               tags: Mapping[str, set[str]], days: int) -> float | None:
    done = expected = 0
    for routine in routines:
        for item in routine.items:
            if ITEM_SCOPE[item.kind] in scopes:
                d, e = routine_service.item_adherence(item, act, today, days, tags)
                done, expected = done + d, expected + e
    return routine_service.ratio(done, expected)


def _shares_routines(routines: Sequence[Routine], scopes: set[str]) -> bool:
    return any(ITEM_SCOPE[i.kind] in scopes for r in routines for i in r.items)


async def caseload(counselor: User, catalog: Catalog | None) -> list[dict[str, Any]]:
    """One row per linked client, in a fixed number of queries whatever the caseload size."""
    links, people = await active_links(counselor.id)
    if not links:
        return []
    by_client = {link.client_id: link for link in links}  # type: ignore[attr-defined]
    clients = [people[link.client_id] for link in links]  # type: ignore[attr-defined]
    ids = list(by_client)
    oldest = min(_local_today(c) for c in clients) - timedelta(days=37)
    series = await checkin_series(ids, oldest)
    last_dates = await last_checkin_dates(ids)
    practice = await practice_since(ids, datetime.combine(oldest, time(), UTC))
    followed = await routine_service.client_routines(ids)
    # Routine activity is only loaded for clients whose shared routines need it.
    activity = await routine_service.load_activity(
        [c for c in clients
         if _shares_routines(followed.get(c.id, []), set(by_client[c.id].scopes))], oldest)
    alert_counts = await open_alert_counts(counselor, ids, by_client)
    tags = routine_service.tag_index(catalog)

    rows = []
    accesses = []
    for link, client in zip(links, clients, strict=True):
        scopes = set(link.scopes)
        today = _local_today(client)
        row: dict[str, Any] = {
            "client": {"id": str(client.id), "display_name": client.display_name},
            "link_id": str(link.id), "scopes": list(link.scopes),
        }
        if Scope.CHECKIN_SUMMARY in scopes:
            days = [today - timedelta(days=n) for n in range(6, -1, -1)]
            mine = series.get(client.id, {})
            last = last_dates.get(client.id)
            row["last_checkin"] = str(last) if last else None
            row["mood_7d"] = [mine.get(d, (None, None))[0] for d in days]
            row["craving_7d"] = [mine.get(d, (None, None))[1] for d in days]
            row["mood_avg_7d"] = _avg(row["mood_7d"])
            row["craving_avg_7d"] = _avg(row["craving_7d"])
            month = today - timedelta(days=29)
            row["consistency_30d"] = round(sum(month <= d <= today for d in mine) / 30, 2)
        if Scope.PRACTICE in scopes:
            week_ago = now() - timedelta(days=7)
            recent = [s for started, s in practice.get(client.id, []) if started >= week_ago]
            row["practice_sessions_7d"] = len(recent)
            row["practice_minutes_7d"] = round(sum(recent) / 60)
        mine_routines = followed.get(client.id, [])
        if _shares_routines(mine_routines, scopes):
            row["adherence_7d"] = _adherence(mine_routines, activity[client.id], today, scopes,
                                             tags, 7)
        if scopes & ALERT_SCOPES:
            row["open_alerts"] = alert_counts.get(client.id, 0)
        rows.append(row)
        accesses.append(Access(str(client.id), "caseload", "allowed", sorted(scopes)))
    await record_access(counselor, accesses)
    rows.sort(key=lambda r: (-r.get("open_alerts", 0), r["client"]["display_name"].lower()))
    return rows


@dataclass(frozen=True)
class DateRange:
    start: date
    end: date


def date_range(client: User, start: date | None, end: date | None, days: int = 30) -> DateRange:
    end = end or _local_today(client)
    start = start or end - timedelta(days=days - 1)
    if start > end:
        raise field_error("query.from", "from must be on or before to.")
    if (end - start).days >= MAX_RANGE_DAYS:
        raise field_error("query.from", f"Ask for at most {MAX_RANGE_DAYS} days at a time.")
    return DateRange(start, end)


def _checkin_row(settings: Settings, checkin: CheckIn, scopes: set[str]) -> dict[str, Any]:
    row: dict[str, Any] = {"local_date": checkin.local_date.isoformat()}
    if Scope.CHECKIN_SUMMARY in scopes:
        row |= {"mood": checkin.mood, "craving": checkin.craving}
    if Scope.CHECKIN_DETAILS in scopes:
        row |= {
            "sleep_hours": checkin.sleep_hours, "sleep_quality": checkin.sleep_quality,
            "stress": checkin.stress, "energy": checkin.energy,
            "triggers": list(checkin.triggers or []),
            "medication_taken": checkin.medication_taken.value if checkin.medication_taken
            else None,
            "used_today": checkin.used_today,
        }
    if Scope.NOTES in scopes:
        cipher = Cipher(settings.data_key)
        uid, day = checkin.user_id, checkin.local_date  # type: ignore[attr-defined]
        row["note"] = (cipher.open(checkin.note_sealed, sealed_context(uid, day, "note"))
                       if checkin.note_sealed else None)
        row["gratitude"] = (
            cipher.open(checkin.gratitude_sealed, sealed_context(uid, day, "gratitude"))
            if checkin.gratitude_sealed else None)
    return row


async def client_checkins(settings: Settings, counselor: User, client_id: uuid.UUID,
                          start: date | None, end: date | None) -> dict[str, Any]:
    link = await require_scope(counselor, client_id, "checkins", CHECKIN_SCOPES)
    scopes = set(link.scopes) & set(CHECKIN_SCOPES)
    span = date_range(link.client, start, end)
    checkins = await CheckIn.filter(user_id=client_id, local_date__gte=span.start,
                                    local_date__lte=span.end).order_by("local_date")
    await record_access(counselor, [Access(str(client_id), "checkins", "allowed",
                                           sorted(scopes))])
    return {
        "client": {"id": str(client_id), "display_name": link.client.display_name},
        "scopes": sorted(scopes), "from": span.start.isoformat(), "to": span.end.isoformat(),
        "checkins": [_checkin_row(settings, c, scopes) for c in checkins],
    }


async def client_summary(settings: Settings, counselor: User, client_id: uuid.UUID,
                         start: date | None, end: date | None,
                         catalog: Catalog | None, resource: str = "summary") -> dict[str, Any]:
    """The dashboard series for one client: only the sections the link's scopes allow."""
    link = await require_scope(counselor, client_id, resource)
    client: User = link.client
    scopes = set(link.scopes)
    span = date_range(client, start, end)
    out: dict[str, Any] = {
        "client": {"id": str(client.id), "display_name": client.display_name,
                   "timezone": client.timezone},
        "scopes": list(link.scopes), "from": span.start.isoformat(),
        "to": span.end.isoformat(),
    }
    if scopes & set(CHECKIN_SCOPES):
        checkins = await CheckIn.filter(user_id=client_id, local_date__gte=span.start,
                                        local_date__lte=span.end).order_by("local_date")
        days = (span.end - span.start).days + 1
        if Scope.CHECKIN_SUMMARY in scopes:
            last = await CheckIn.filter(user_id=client_id).order_by("-local_date").first()
            out["checkin_summary"] = {
                "last_checkin": last.local_date.isoformat() if last else None,
                "days_with_checkin": len(checkins), "days": days,
                "mood_avg": _avg(c.mood for c in checkins),
                "craving_avg": _avg(c.craving for c in checkins),
            }
        out["checkins"] = [_checkin_row(settings, c, scopes) for c in checkins]
    zone = ZoneInfo(client.timezone)
    start_utc = datetime.combine(span.start, time(), zone).astimezone(UTC)
    end_utc = datetime.combine(span.end + timedelta(days=1), time(), zone).astimezone(UTC)
    if Scope.PRACTICE in scopes:
        sessions = await PracticeSession.filter(
            user_id=client_id, started_at__gte=start_utc, started_at__lt=end_utc).order_by(
            "started_at")
        out["practice"] = {
            "sessions": [{"started_at": s.started_at.isoformat(),
                          "meditation_slug": s.meditation_slug,
                          "actual_seconds": s.actual_seconds, "completed": s.completed}
                         for s in sessions],
            "total_minutes": round(sum(s.actual_seconds for s in sessions) / 60),
        }
    if Scope.SCREENERS in scopes:
        results = await ScreenerResult.filter(
            user_id=client_id, taken_at__gte=start_utc, taken_at__lt=end_utc).order_by(
            "taken_at")
        out["screeners"] = [{"instrument": str(r.instrument), "total": r.total, "band": r.band,
                             "flags": list(r.flags or []), "taken_at": r.taken_at.isoformat()}
                            for r in results]
    followed = (await routine_service.client_routines([client.id])).get(client.id, [])
    if _shares_routines(followed, scopes):
        today = _local_today(client)
        act = (await routine_service.load_activity([client], today - timedelta(days=37)))[
            client.id]
        tags = routine_service.tag_index(catalog)
        out["routines"] = [
            {"id": str(r.id), "name": r.name,
             "adherence_7d": _adherence([r], act, today, scopes, tags, 7),
             "adherence_30d": _adherence([r], act, today, scopes, tags, 30)}
            for r in followed if _shares_routines([r], scopes)
        ]
    if scopes & ALERT_SCOPES:
        alerts = await Alert.filter(counselor_id=counselor.id, client_id=client_id,
                                    state__in=[AlertState.OPEN, AlertState.ACKNOWLEDGED])
        out["alerts"] = [{"id": str(a.id), "rule": a.rule.value, "state": a.state.value,
                          "created_at": a.created_at.isoformat()}
                         for a in alerts if RULE_SCOPE[a.rule] in scopes]
    await record_access(counselor, [Access(str(client_id), resource, "allowed",
                                           sorted(scopes))])
    return out
