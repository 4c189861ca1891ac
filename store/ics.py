"""Importing an iCalendar agenda (Outlook and other calendar exports) for one subject.

Handles Windows time-zone names (``W. Europe Standard Time``, via the file's VTIMEZONE), UTC and
floating times, all-day events, recurrence rules with exceptions and overrides (expanded over a
window from 30 days back to ``horizon_days`` ahead) and cancelled events.

Idempotent: each activity remembers its source UID and recurrence id; importing the same file
twice changes nothing; a higher SEQUENCE updates the activity in place. When an update moves an
activity that already has a concept, it is flagged for review (the concept and its staff were
planned for the old time or place). A cancelled event, or an occurrence that disappeared from a
series, becomes a restriction (cancelled, the person's own choice, R5). A malformed file is
refused naming the component and property that are wrong, and nothing is imported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from . import access, rules
from .clock import day_bounds, local_to_utc, to_db
from .db import Store
from .errors import BadInput
from .ids import uuid7
from .subjects import get_subject

CALENDAR_AUTHORITY = rules.CALENDAR_AUTHORITY  # whoever may import calendars may record it
MAX_FILE_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class ImportItem:
    activity_id: str
    uid: str
    recurrence: str
    action: str  # added, updated, cancelled, unchanged


@dataclass
class ImportResult:
    items: list[ImportItem] = field(default_factory=list)
    replan: list[str] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for item in self.items if item.action == action)

    @property
    def added(self) -> int:
        return self.count("added")

    @property
    def updated(self) -> int:
        return self.count("updated")

    @property
    def cancelled(self) -> int:
        return self.count("cancelled")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")


@dataclass(frozen=True)
class _Occurrence:
    uid: str
    recurrence: str
    title: str
    start: str
    end: str
    location: str
    sequence: int
    cancelled: bool


def _describe(component: Any) -> str:
    uid = component.get("UID")
    summary = component.get("SUMMARY")
    text = str(component.name)
    if uid:
        text += f" {uid}"
    if summary:
        text += f" ({summary})"
    return text


def _moment(value: Any, what: str, component: Any) -> datetime | date:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            try:
                return local_to_utc(value.date(), value.hour, value.minute)
            except BadInput as exc:
                raise BadInput(f"{_describe(component)}: {what} {exc}") from None
        return value.astimezone(UTC)
    if isinstance(value, date):
        return value
    raise BadInput(f"{_describe(component)}: {what} is not a date or time.")


def _span(component: Any) -> tuple[str, str]:
    if component.get("DTSTART") is None:
        raise BadInput(f"{_describe(component)} has no DTSTART; the file is not a usable agenda.")
    start = _moment(component.decoded("DTSTART"), "DTSTART", component)
    if component.get("DTEND") is not None:
        end: datetime | date = _moment(component.decoded("DTEND"), "DTEND", component)
    elif component.get("DURATION") is not None:
        end = start + component.decoded("DURATION")
    else:
        end = start + timedelta(days=1) if not isinstance(start, datetime) else start
    if not isinstance(start, datetime):
        start_utc = day_bounds(start)[0]
        end_day = end if not isinstance(end, datetime) else end.date()
        end_utc = (
            day_bounds(end_day - timedelta(days=1))[1] if end_day > start else day_bounds(start)[1]
        )
    else:
        start_utc = start
        end_utc = end if isinstance(end, datetime) else day_bounds(end)[0]
    if end_utc <= start_utc:
        end_utc = start_utc + timedelta(minutes=30)
    return to_db(start_utc), to_db(end_utc)


def _parse(path: Path, window: tuple[date, date]) -> list[_Occurrence]:
    import icalendar
    import recurring_ical_events

    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise BadInput(f"{path.name} is larger than 10 MB; split the calendar export.")
        raw = path.read_bytes()
    except OSError as exc:
        raise BadInput(f"Cannot read {path}: {exc.strerror}.") from None
    try:
        calendar = icalendar.Calendar.from_ical(raw)
    except Exception as exc:
        raise BadInput(f"{path.name} is not a valid iCalendar file: {exc}.") from None
    if getattr(calendar, "name", None) != "VCALENDAR":
        raise BadInput(f"{path.name} does not start with BEGIN:VCALENDAR.")
    for component in calendar.walk():
        for prop, message in getattr(component, "errors", []):
            raise BadInput(f"{path.name}: {_describe(component)}, property {prop}: {message}.")
    events = calendar.walk("VEVENT")
    recurring = set()
    for event in events:
        if event.get("UID") is None:
            raise BadInput(f"{path.name}: {_describe(event)} has no UID; cannot import it safely.")
        _span(event)  # validate every event up front
        if event.get("RRULE") is not None or event.get("RDATE") is not None:
            recurring.add(str(event["UID"]))
    occurrences: dict[tuple[str, str], _Occurrence] = {}
    for event in events:
        uid = str(event["UID"])
        if uid in recurring:
            continue
        if event.get("RECURRENCE-ID") is not None:
            continue  # an override of a series whose master is not in the file
        occurrences[(uid, "")] = _occurrence(event, uid, "")
    try:
        expanded = recurring_ical_events.of(calendar).between(*window)
    except Exception as exc:
        raise BadInput(f"{path.name}: a recurrence rule cannot be expanded ({exc}).") from None
    for event in expanded:
        uid = str(event["UID"])
        if uid not in recurring:
            continue
        rid = event.get("RECURRENCE-ID")
        key = (
            to_db(_as_utc(_moment(event.decoded("RECURRENCE-ID"), "RECURRENCE-ID", event)))
            if rid
            else ""
        )
        occurrences[(uid, key)] = _occurrence(event, uid, key)
    return sorted(occurrences.values(), key=lambda o: (o.start, o.uid, o.recurrence))


def _as_utc(value: datetime | date) -> datetime:
    return value if isinstance(value, datetime) else day_bounds(value)[0]


def _occurrence(event: Any, uid: str, recurrence: str) -> _Occurrence:
    start, end = _span(event)
    title = str(event.get("SUMMARY") or "").strip() or "(no title)"
    status = str(event.get("STATUS") or "").upper()
    return _Occurrence(
        uid=uid,
        recurrence=recurrence,
        title=title,
        start=start,
        end=end,
        location=str(event.get("LOCATION") or "").strip(),
        sequence=int(event.get("SEQUENCE") or 0),
        cancelled=status == "CANCELLED",
    )


def import_ics(store: Store, path: Path, *, person: str, horizon_days: int = 90) -> ImportResult:
    """Import ``path`` into ``person``'s agenda, all or nothing."""
    access.require(store.actor, "activity.write")
    subject = get_subject(store, person)
    if not 1 <= horizon_days <= 730:
        raise BadInput("--days must be between 1 and 730.")
    now = store.clock.now()
    window = ((now - timedelta(days=30)).date(), (now + timedelta(days=horizon_days)).date())
    occurrences = _parse(Path(path), window)
    existing = {
        (r["source_uid"], r["source_recurrence"]): r
        for r in store.query(
            "SELECT id, source_uid, source_recurrence, source_sequence, title, start_at, end_at,"
            " location, status, concept FROM activity"
            " WHERE subject_id = ? AND source_uid IS NOT NULL",
            (subject.id,),
        )
    }
    result = ImportResult()
    stamp = store.now()
    actor = store.actor.callsign
    with store.write("activity.import_ics", subject.id, {"file": Path(path).name}) as conn:
        seen: set[tuple[str, str]] = set()
        for occ in occurrences:
            key = (occ.uid, occ.recurrence)
            seen.add(key)
            row = existing.get(key)
            if row is None:
                if occ.cancelled:
                    continue
                activity_id = uuid7()
                conn.execute(
                    "INSERT INTO activity (id, subject_id, title, kind, start_at, end_at, location,"
                    " status, source_uid, source_recurrence, source_sequence, created_at,"
                    " created_by, updated_at) VALUES (?, ?, ?, 'work', ?, ?, ?, 'planned', ?, ?,"
                    " ?, ?, ?, ?)",
                    (
                        activity_id,
                        subject.id,
                        occ.title,
                        occ.start,
                        occ.end,
                        occ.location,
                        occ.uid,
                        occ.recurrence,
                        occ.sequence,
                        stamp,
                        actor,
                        stamp,
                    ),
                )
                result.items.append(ImportItem(activity_id, occ.uid, occ.recurrence, "added"))
                continue
            if occ.sequence <= (row["source_sequence"] or 0) or row["status"] == "cancelled":
                result.items.append(ImportItem(row["id"], occ.uid, occ.recurrence, "unchanged"))
                continue
            if occ.cancelled:
                _cancel(conn, store, row, occ.sequence)
                result.items.append(ImportItem(row["id"], occ.uid, occ.recurrence, "cancelled"))
                continue
            moved = (occ.start, occ.end, occ.location) != (
                row["start_at"],
                row["end_at"],
                row["location"],
            )
            review = "changed_externally" if moved and row["concept"] else None
            conn.execute(
                "UPDATE activity SET title = ?, start_at = ?, end_at = ?, location = ?,"
                " source_sequence = ?, updated_at = ?,"
                " review_reason = COALESCE(?, review_reason) WHERE id = ?",
                (
                    occ.title,
                    occ.start,
                    occ.end,
                    occ.location,
                    occ.sequence,
                    stamp,
                    review,
                    row["id"],
                ),
            )
            if review:
                result.replan.append(row["id"])
            result.items.append(ImportItem(row["id"], occ.uid, occ.recurrence, "updated"))
        series = {occ.uid for occ in occurrences if occ.recurrence}
        lo, hi = to_db(_as_utc(window[0])), to_db(_as_utc(window[1]))
        for key, row in existing.items():
            uid, recurrence = key
            if (
                uid in series
                and recurrence
                and key not in seen
                and row["status"] != "cancelled"
                and lo <= row["start_at"] < hi
            ):
                _cancel(conn, store, row, row["source_sequence"] or 0)
                result.items.append(ImportItem(row["id"], uid, recurrence, "cancelled"))
    return result


def _cancel(conn: Any, store: Store, row: Any, sequence: int) -> None:
    conn.execute(
        "INSERT INTO restriction (id, activity_id, kind, reason, authority, note, old_start_at,"
        " old_end_at, recorded_at, recorded_by, device)"
        " VALUES (?, ?, 'cancelled', 'tbp_choice', ?, 'Cancelled in the imported calendar.',"
        " ?, ?, ?, ?, ?)",
        (
            uuid7(),
            row["id"],
            CALENDAR_AUTHORITY,
            row["start_at"],
            row["end_at"],
            store.now(),
            store.actor.callsign,
            store.device_id,
        ),
    )
    conn.execute(
        "UPDATE activity SET status = 'cancelled', source_sequence = ?, updated_at = ?"
        " WHERE id = ?",
        (sequence, store.now(), row["id"]),
    )
