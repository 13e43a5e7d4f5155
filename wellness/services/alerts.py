"""Counselor alerts: raised by safety events and by rules over what clients record.

An alert is a row, so it persists whatever happens to notifications. One condition makes one
alert per counselor (a unique dedupe key). An open alert not acknowledged within
``settings.alert_renotify_minutes`` is raised again; each raise sets ``push_due_at``, which the
push side claims with :func:`claim_alert_pushes`.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.expressions import F
from tortoise.queryset import QuerySet

from wellness.config import Settings
from wellness.content.catalog import Catalog
from wellness.crypto import Cipher
from wellness.errors import Conflict, NotFound
from wellness.models.accounts import Role, User
from wellness.models.alerts import Alert, AlertRule, AlertState, Severity
from wellness.models.checkins import SafetyEvent, SafetyKind, ScreenerResult
from wellness.models.links import Link, Scope
from wellness.services.audit import Access, record_access
from wellness.services.series import active_links, checkin_series, last_checkin_dates
from wellness.services.sessions import now as utcnow

RULE_SCOPE = {
    AlertRule.SELF_HARM_ITEM: Scope.SAFETY_ALERTS,
    AlertRule.HELP_NOW: Scope.SAFETY_ALERTS,
    AlertRule.CRAVING: Scope.SAFETY_ALERTS,
    AlertRule.NO_CHECKIN: Scope.CHECKIN_SUMMARY,
    AlertRule.LOW_MOOD: Scope.CHECKIN_SUMMARY,
    AlertRule.SCREENER_WORSE: Scope.SCREENERS,
}
SEVERITY = {
    AlertRule.SELF_HARM_ITEM: Severity.HIGH,
    AlertRule.HELP_NOW: Severity.HIGH,
    AlertRule.CRAVING: Severity.HIGH,
    AlertRule.NO_CHECKIN: Severity.MEDIUM,
    AlertRule.LOW_MOOD: Severity.MEDIUM,
    AlertRule.SCREENER_WORSE: Severity.MEDIUM,
}
# Band labels of the instruments, least to most severe.
BAND_RANK = {
    "minimal": 0, "mild": 1, "moderate": 2, "moderately severe": 3, "severe": 4,
    "below screening threshold": 0, "suggests the full questionnaire": 1,
}
LOW_MOOD = 2
LOW_MOOD_DAYS = 3
SCREENER_LOOKBACK_DAYS = 7

FALLBACK_NOTICE = (
    "Alerts are not monitored around the clock, and this app is not an emergency service. "
    "In an emergency or an overdose call 911. For a mental-health crisis call or text 988 "
    "(Suicide & Crisis Lifeline). SAMHSA National Helpline: 1-800-662-4357, free, 24/7."
)


def notice(catalog: Catalog | None) -> str:
    """What both counselor and client screens say next to alerts, with the emergency numbers."""
    if catalog is None:
        return FALLBACK_NOTICE
    numbers = "; ".join(
        f"{c.name} ({c.actions[0].label.lower()})" for c in catalog.crisis.contacts if c.actions
    )
    return ("Alerts are not monitored around the clock, and this app is not an emergency "
            f"service. If someone may be in danger now, do not wait for a reply: {numbers}.")


@dataclass(frozen=True)
class Candidate:
    counselor_id: Any
    client_id: Any
    rule: AlertRule
    key: str
    detail: dict[str, Any]


def _key(counselor_id: Any, rule: AlertRule, client_id: Any, what: str) -> str:
    return f"{counselor_id}:{rule.value}:{client_id}:{what}"


async def _create(candidates: Sequence[Candidate], at: datetime) -> int:
    """Insert the candidates not already raised; the same condition never makes two rows."""
    if not candidates:
        return 0
    keys: list[str] = await Alert.filter(  # type: ignore[assignment]
        dedupe_key__in=[c.key for c in candidates]).values_list("dedupe_key", flat=True)
    existing = set(keys)
    fresh = {c.key: c for c in candidates if c.key not in existing}
    await Alert.bulk_create([
        Alert(id=uuid.uuid4(), counselor_id=c.counselor_id, client_id=c.client_id, rule=c.rule,
              severity=SEVERITY[c.rule], dedupe_key=c.key, detail=c.detail, created_at=at,
              last_notified_at=at, notify_count=1, push_due_at=at)
        for c in fresh.values()
    ], ignore_conflicts=True)
    return len(fresh)


SAFETY_RULE = {
    SafetyKind.SELF_HARM_ITEM: AlertRule.SELF_HARM_ITEM,
    SafetyKind.HELP_NOW: AlertRule.HELP_NOW,
    SafetyKind.CRAVING: AlertRule.CRAVING,
}


async def alerts_for_safety_event(event: SafetyEvent, client: User) -> int:
    """An alert for each counselor whose link grants safety alerts; database work only."""
    links = await Link.filter(client_id=client.id, ended_at=None)
    rule = SAFETY_RULE[SafetyKind(event.kind)]
    at = event.created_at or utcnow()
    if rule == AlertRule.CRAVING:
        # Keyed by day so the scheduled craving rule does not raise the same thing twice.
        source = event.source_id or ""
        what = source.removeprefix("checkin:") if source.startswith("checkin:") else (
            at.astimezone(ZoneInfo(client.timezone)).date().isoformat())
    else:
        what = f"event-{event.id}"
    return await _create([
        Candidate(link.counselor_id, client.id, rule,  # type: ignore[attr-defined]
                  _key(link.counselor_id, rule, client.id, what),  # type: ignore[attr-defined]
                  {"kind": event.kind.value if isinstance(event.kind, SafetyKind)
                   else str(event.kind)} | ({"local_date": what} if rule == AlertRule.CRAVING
                                            else {}))
        for link in links if Scope.SAFETY_ALERTS in link.scopes
    ], at)


@dataclass(frozen=True)
class Evaluation:
    created: int
    renotified: int


def _low_mood_run(moods: dict[date, int | None], today: date) -> tuple[date, int] | None:
    """The start and length of a run of low-mood days reaching yesterday or today."""
    end = today if today in moods else today - timedelta(days=1)
    day, length = end, 0
    while (mood := moods.get(day)) is not None and mood <= LOW_MOOD:
        day, length = day - timedelta(days=1), length + 1
    return (day + timedelta(days=1), length) if length >= LOW_MOOD_DAYS else None


async def evaluate_alert_rules(settings: Settings, now: datetime) -> Evaluation:
    """Check every active link's rules and re-raise stale open alerts; safe to run anywhere."""
    links, people = await active_links()
    by_client: dict[Any, list[Link]] = defaultdict(list)
    for link in links:
        by_client[link.client_id].append(link)  # type: ignore[attr-defined]
    candidates: list[Candidate] = []
    if by_client:
        ids = list(by_client)
        since = now.date() - timedelta(days=LOW_MOOD_DAYS + settings.no_checkin_alert_days + 3)
        recent = await checkin_series(ids, since)
        last_dates = await last_checkin_dates(ids)
        screeners: dict[Any, dict[str, list[ScreenerResult]]] = defaultdict(
            lambda: defaultdict(list))
        for result in await ScreenerResult.filter(
                user_id__in=ids, taken_at__gte=now - timedelta(days=400)).order_by("taken_at"):
            screeners[result.user_id][str(result.instrument)].append(  # type: ignore[attr-defined]
                result)
        for client_id, client_links in by_client.items():
            client = people[client_id]
            today = now.astimezone(ZoneInfo(client.timezone)).date()
            found = _client_conditions(settings, client_links, today, now,
                                       recent.get(client_id, {}), last_dates.get(client_id),
                                       screeners.get(client_id, {}))
            candidates.extend(found)
    created = await _create(candidates, now)
    stale = now - timedelta(minutes=settings.alert_renotify_minutes)
    renotified = await Alert.filter(state=AlertState.OPEN, last_notified_at__lte=stale).update(
        last_notified_at=now, notify_count=F("notify_count") + 1, push_due_at=now)
    return Evaluation(created, renotified)


def _client_conditions(
    settings: Settings, links: Sequence[Link], today: date, now: datetime,
    recent: dict[date, tuple[int | None, int | None]], last: date | None,
    screeners: dict[str, list[ScreenerResult]],
) -> list[Candidate]:
    client_id = links[0].client_id  # type: ignore[attr-defined]
    found: list[tuple[AlertRule, str, dict[str, Any]]] = []
    if isinstance(last, str):
        last = date.fromisoformat(last)
    baseline = last or min(link.created_at.date() for link in links)
    gap = (today - baseline).days
    if gap >= settings.no_checkin_alert_days:
        found.append((AlertRule.NO_CHECKIN, last.isoformat() if last else "never",
                      {"days": gap, "last_checkin": last.isoformat() if last else None}))
    for day, (_, craving) in recent.items():
        if (craving is not None and craving >= settings.craving_alert_threshold
                and day >= today - timedelta(days=1)):
            found.append((AlertRule.CRAVING, day.isoformat(), {"local_date": day.isoformat()}))
    run = _low_mood_run({d: m for d, (m, _) in recent.items()}, today)
    if run:
        found.append((AlertRule.LOW_MOOD, run[0].isoformat(),
                      {"since": run[0].isoformat(), "days": run[1]}))
    for instrument, results in screeners.items():
        if len(results) < 2 or results[-1].taken_at < now - timedelta(
                days=SCREENER_LOOKBACK_DAYS):
            continue
        before, after = results[-2], results[-1]
        if BAND_RANK.get(after.band, -1) > BAND_RANK.get(before.band, 99):
            found.append((AlertRule.SCREENER_WORSE, str(after.id),
                          {"instrument": instrument, "from_band": before.band,
                           "to_band": after.band}))
    return [
        Candidate(link.counselor_id, client_id, rule,  # type: ignore[attr-defined]
                  _key(link.counselor_id, rule, client_id, what),  # type: ignore[attr-defined]
                  detail)
        for rule, what, detail in found
        for link in links if RULE_SCOPE[rule] in link.scopes
    ]


async def claim_alert_pushes(now: datetime, limit: int = 100) -> list[Alert]:
    """Alerts owed a push (new or raised again); each is claimed by exactly one caller.

    The alert stays in the database whatever the push does; a failed push is not retried here
    but the alert is raised again after ``alert_renotify_minutes`` while it is open.
    """
    due = await Alert.filter(state=AlertState.OPEN, push_due_at__lte=now).order_by(
        "push_due_at").limit(limit).select_related("client", "counselor")
    claimed = []
    for alert in due:
        if await Alert.filter(id=alert.id, push_due_at=alert.push_due_at).update(
                push_due_at=None):
            claimed.append(alert)
    if not claimed:
        return []
    # Nothing is pushed about a client who has since stopped sharing the matching scope.
    links = {(link.counselor_id, link.client_id): link  # type: ignore[attr-defined]
             for link in await Link.filter(
                 client_id__in=list({a.client_id for a in claimed}),  # type: ignore[attr-defined]
                 ended_at=None)}
    visible = []
    for alert in claimed:
        link = links.get((alert.counselor_id, alert.client_id))  # type: ignore[attr-defined]
        if link is not None and RULE_SCOPE[alert.rule] in link.scopes:
            visible.append(alert)
    return visible


# --- reading and handling alerts ------------------------------------------------------------


def _note_context(alert_id: Any) -> str:
    return f"alert:{alert_id}:note"


async def _visible_alerts(counselor: User) -> tuple[dict[Any, Link], QuerySet[Alert]]:
    links = {link.client_id: link  # type: ignore[attr-defined]
             for link in await Link.filter(counselor_id=counselor.id, ended_at=None)}
    return links, Alert.filter(counselor_id=counselor.id, client_id__in=list(links))


def _in_scope(alert: Alert, links: dict[Any, Link]) -> bool:
    link = links.get(alert.client_id)  # type: ignore[attr-defined]
    return link is not None and RULE_SCOPE[alert.rule] in link.scopes


def alert_view(settings: Settings, alert: Alert, for_counselor: bool) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": str(alert.id),
        "client": {"id": str(alert.client.id), "display_name": alert.client.display_name},
        "rule": alert.rule.value, "severity": alert.severity.value, "state": alert.state.value,
        "created_at": alert.created_at.isoformat(),
        "acknowledged_at": alert.acknowledged_at.isoformat() if alert.acknowledged_at else None,
        "resolved_at": alert.resolved_at.isoformat() if alert.resolved_at else None,
    }
    if for_counselor:
        view["detail"] = alert.detail
        view["notify_count"] = alert.notify_count
        view["last_notified_at"] = alert.last_notified_at.isoformat()
        view["note"] = (Cipher(settings.data_key).open(alert.note_sealed, _note_context(alert.id))
                        if alert.note_sealed else None)
    else:
        view["counselor"] = {"id": str(alert.counselor.id),
                             "display_name": alert.counselor.display_name}
    return view


async def list_alerts(settings: Settings, user: User,
                      states: Sequence[str]) -> list[dict[str, Any]]:
    """A counselor's alerts for clients still sharing the matching scope, or a client's own."""
    wanted = [AlertState(s) for s in states] or list(AlertState)
    if user.role == Role.CLIENT:
        rows = await Alert.filter(client_id=user.id, state__in=wanted).select_related(
            "client", "counselor").order_by("-created_at").limit(200)
        return [alert_view(settings, a, for_counselor=False) for a in rows]
    links, query = await _visible_alerts(user)
    rows = await query.filter(state__in=wanted).select_related("client").order_by(
        "-created_at").limit(500)
    shown = [a for a in rows if _in_scope(a, links)]
    seen = {str(a.client_id): RULE_SCOPE[a.rule] for a in shown}  # type: ignore[attr-defined]
    await record_access(user, [Access(client_id, "alerts", "allowed", [scope])
                               for client_id, scope in seen.items()])
    return [alert_view(settings, a, for_counselor=True) for a in shown]


async def _counselor_alert(counselor: User, alert_id: uuid.UUID) -> Alert:
    links, query = await _visible_alerts(counselor)
    alert = await query.filter(id=alert_id).select_related("client").first()
    if alert is None or not _in_scope(alert, links):
        raise NotFound("There is no such alert.")
    return alert


def _handled(alert: Alert) -> Access:
    client_id = str(alert.client_id)  # type: ignore[attr-defined]
    return Access(client_id, "alerts", "allowed", [RULE_SCOPE[alert.rule]])


async def acknowledge(settings: Settings, counselor: User, alert_id: uuid.UUID,
                      note: str | None) -> Alert:
    alert = await _counselor_alert(counselor, alert_id)
    if alert.state == AlertState.RESOLVED:
        raise Conflict("This alert is already resolved.")
    at = utcnow()
    changes: dict[str, Any] = {"push_due_at": None}
    if alert.state == AlertState.OPEN:
        changes |= {"state": AlertState.ACKNOWLEDGED, "acknowledged_at": at}
    if note:
        changes["note_sealed"] = Cipher(settings.data_key).seal(note, _note_context(alert.id))
    await Alert.filter(id=alert.id).update(**changes)
    await record_access(counselor, [_handled(alert)], action="acknowledge")
    await alert.refresh_from_db()
    return alert


async def resolve(settings: Settings, counselor: User, alert_id: uuid.UUID,
                  note: str | None) -> Alert:
    alert = await _counselor_alert(counselor, alert_id)
    at = utcnow()
    changes: dict[str, Any] = {"push_due_at": None, "state": AlertState.RESOLVED,
                               "resolved_at": alert.resolved_at or at,
                               "acknowledged_at": alert.acknowledged_at or at}
    if note:
        changes["note_sealed"] = Cipher(settings.data_key).seal(note, _note_context(alert.id))
    await Alert.filter(id=alert.id).update(**changes)
    await record_access(counselor, [_handled(alert)], action="resolve")
    await alert.refresh_from_db()
    return alert


async def open_alert_counts(counselor: User, client_ids: Sequence[Any],
                            links: dict[Any, Link]) -> dict[Any, int]:
    """Open alerts per client that the counselor may still see, in one query."""
    counts: dict[Any, int] = defaultdict(int)
    if not client_ids:
        return counts
    for client_id, rule in await Alert.filter(
            counselor_id=counselor.id, client_id__in=list(client_ids),
            state=AlertState.OPEN).values_list("client_id", "rule"):
        link = links.get(client_id)
        if link is not None and RULE_SCOPE[AlertRule(rule)] in link.scopes:
            counts[client_id] += 1
    return counts
