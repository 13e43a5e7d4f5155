"""The printable client report: plain HTML with a print stylesheet and no inline style or script."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from html import escape
from typing import Any

SCOPE_LABELS = {
    "checkin_summary": "check-in summary (mood, craving)",
    "checkin_details": "check-in details (sleep, stress, energy, triggers, medication, use)",
    "notes": "notes",
    "practice": "practice",
    "screeners": "screeners",
    "safety_alerts": "safety alerts",
}

REPORT_CSS = """\
body { font: 11pt/1.4 system-ui, sans-serif; color: #111; margin: 2rem auto; max-width: 60rem; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
h2 { font-size: 1.1rem; border-bottom: 1px solid #999; margin-top: 1.5rem; }
.meta { color: #333; margin: 0 0 1rem; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #bbb; padding: .2rem .4rem; text-align: left; vertical-align: top; }
th { background: #eee; }
.empty { color: #555; font-style: italic; }
footer { margin-top: 2rem; font-size: .9rem; color: #333; }
@media print {
  @page { size: A4; margin: 15mm; }
  body { margin: 0; max-width: none; font-size: 10pt; }
  h2 { break-after: avoid; }
  tr { break-inside: avoid; }
  th { background: none; }
}
"""


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return escape(", ".join(str(v) for v in value))
    return escape(str(value))


def _table(headers: Sequence[str], keys: Sequence[str], rows: Sequence[dict[str, Any]]) -> str:
    if not rows:
        return '<p class="empty">Nothing recorded in this period.</p>'
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{_cell(row.get(k))}</td>" for k in keys) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_report(summary: dict[str, Any], counselor_name: str, stylesheet: str) -> str:
    client = summary["client"]
    scopes = summary["scopes"]
    shared = ", ".join(SCOPE_LABELS.get(s, s) for s in scopes) or "nothing"
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Report: {escape(client['display_name'])}</title>",
        f'<link rel="stylesheet" href="{escape(stylesheet)}">',
        "</head><body>",
        f"<h1>{escape(client['display_name'])}</h1>",
        f'<p class="meta">Dates: {escape(summary["from"])} to {escape(summary["to"])} '
        f"(client's time zone {escape(client['timezone'])}).<br>"
        f"Shared by the client: {escape(shared)}.<br>"
        f"Prepared for {escape(counselor_name)} on "
        f"{datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}.</p>",
    ]
    if "checkin_summary" in summary:
        s = summary["checkin_summary"]
        parts.append("<h2>Check-in summary</h2>")
        parts.append(
            f"<p>Check-ins on {s['days_with_checkin']} of {s['days']} days; last check-in "
            f"{_cell(s['last_checkin']) or 'never'}. Average mood {_cell(s['mood_avg'])}, "
            f"average craving {_cell(s['craving_avg'])}.</p>"
        )
    if "checkins" in summary:
        columns: list[tuple[str, str]] = [("Date", "local_date")]
        if "checkin_summary" in scopes:
            columns += [("Mood (1–5)", "mood"), ("Craving (0–10)", "craving")]
        if "checkin_details" in scopes:
            columns += [("Sleep h", "sleep_hours"), ("Sleep quality", "sleep_quality"),
                        ("Stress", "stress"), ("Energy", "energy"), ("Triggers", "triggers"),
                        ("Medication", "medication_taken"), ("Used", "used_today")]
        if "notes" in scopes:
            columns += [("Note", "note"), ("Gratitude", "gratitude")]
        parts.append("<h2>Check-ins</h2>")
        parts.append(_table([c[0] for c in columns], [c[1] for c in columns],
                            summary["checkins"]))
    if "practice" in summary:
        p = summary["practice"]
        parts.append("<h2>Practice</h2>")
        parts.append(f"<p>{len(p['sessions'])} sessions, {p['total_minutes']} minutes.</p>")
        parts.append(_table(["Started", "Meditation", "Seconds", "Completed"],
                            ["started_at", "meditation_slug", "actual_seconds", "completed"],
                            p["sessions"]))
    if "screeners" in summary:
        parts.append("<h2>Screeners</h2>")
        parts.append(_table(["Taken", "Instrument", "Total", "Band", "Flags"],
                            ["taken_at", "instrument", "total", "band", "flags"],
                            summary["screeners"]))
    if "routines" in summary:
        parts.append("<h2>Routines</h2>")
        parts.append(_table(["Routine", "Adherence 7 days", "Adherence 30 days"],
                            ["name", "adherence_7d", "adherence_30d"], summary["routines"]))
    if "alerts" in summary:
        parts.append("<h2>Open alerts</h2>")
        parts.append(_table(["Raised", "Rule", "State"], ["created_at", "rule", "state"],
                            summary["alerts"]))
    parts.append("<footer>Confidential health information shared with the client's consent; "
                 "it may include substance use disorder records (42 CFR Part 2): do not "
                 "disclose further without the client's written consent.</footer>")
    parts.append("</body></html>")
    return "\n".join(parts)
