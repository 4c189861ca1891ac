"""A deterministic synthetic dataset for demos, screenshots and benchmarks.

``generate_demo`` fills an initialised, empty database: officers with realistic qualification
mixes (some about to expire), protected persons and objects with threat assessments, a week of
agenda with valid concepts (a few left without one, a few left short by a later re-assessment),
a week of shifts that leaves gaps, signals in various states and log entries. Everything is
fictional: Dutch-flavoured code names and places, never real people. The same seed and the same
start day give the same data.

It writes in bulk inside one transaction (the R1 triggers still guard every row).
"""

from __future__ import annotations

import random
import sqlite3
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from . import access, rules, validate
from .catalogue import (
    Concept,
    Qualification,
    home_organisation,
    list_concepts,
    list_packages,
    list_qualifications,
    list_threat_rules,
    list_units,
)
from .clock import LOCAL_TZ, from_db, local_to_utc, to_db, today
from .db import Store
from .errors import BadInput
from .ids import uuid7
from .proof import demo_hash, secret_writer

SCALES = {
    "small": {"subjects": 12, "officers": 150, "days": 7},
    "medium": {"subjects": 120, "officers": 1000, "days": 7},
    "large": {"subjects": 1000, "officers": 2000, "days": 7},
    "xlarge": {"subjects": 4000, "officers": 8000, "days": 7},
}

_ANIMALS = (
    "BEVER",
    "REIGER",
    "KIEVIT",
    "OTTER",
    "DAS",
    "EEKHOORN",
    "WOUW",
    "ZWALUW",
    "MEREL",
    "SPECHT",
    "GRUTTO",
    "TURELUUR",
    "LEPELAAR",
    "OOIEVAAR",
    "HAVIK",
    "BUIZERD",
    "VALK",
    "UIL",
    "EGEL",
    "VOS",
    "HAAS",
    "REE",
    "HERT",
    "MARTER",
    "WEZEL",
    "BUNZING",
    "KRAANVOGEL",
    "ZEEHOND",
)
_TREES = ("LINDE", "EIK", "BEUK", "ES", "WILG", "ELS", "BERK", "IEP", "ESDOORN", "KASTANJE")
_TOWNS = (
    "Havenstad",
    "Dijkdorp",
    "Polderwijk",
    "Heuvelrand",
    "Kanaalzijde",
    "Molenveen",
    "Duinhoven",
    "Brugvliet",
    "Zandhorst",
    "Waterkerk",
)
_SURNAMES = (
    "de Vries",
    "Jansen",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
)
_WORK = (
    ("Zitting rechtbank", "Rechtbank {town}, zittingszaal {n}"),
    ("Overleg parket", "Parket {town}"),
    ("Raadsvergadering", "Gemeentehuis {town}"),
    ("Redactieoverleg", "Redactie {town}"),
    ("Cliëntbezoek", "Advocatenkantoor {town}"),
    ("Werkbezoek", "Provinciehuis {town}"),
)
_PRIVATE = (
    ("Kinderen naar school", "Basisschool {town}"),
    ("Sportschool", "Sportcentrum {town}"),
    ("Boodschappen", "Winkelcentrum {town}"),
    ("Tandarts", "Tandartspraktijk {town}"),
    ("Etentje", "Restaurant {town}"),
)
_SIGNAL_TEXTS = (
    ("vehicle", "Grijze bestelbus twee keer langs de woning gereden, kenteken deels genoteerd."),
    ("possible_surveillance", "Persoon fotografeert de ingang van het gebouw vanaf de overkant."),
    ("person", "Onbekende man vraagt bij de receptie naar het werkrooster."),
    ("online", "Foto van de woning gedeeld in een openbare groep."),
    ("approach", "Drone boven de tuin tijdens het ontbijt."),
    ("other", "Deur van de fietsenstalling geforceerd aangetroffen."),
)


@dataclass(frozen=True)
class DemoSummary:
    """What ``generate_demo`` wrote.

    Attributes:
        seed: the random seed (the same seed and scale give the same database).
        scale: the size asked for.
        start: the first local day of the planned period.
        subjects, officers, activities, shifts, signals, log_entries: how many of each were
            written.
    """

    seed: int
    scale: str
    start: date
    subjects: int
    officers: int
    activities: int
    shifts: int
    signals: int
    log_entries: int


#: How far before the clock the demo dates what it records as written earlier (the first threat
#: assessments, signals and their steps, log entries). Each record is sealed as written by the
#: clock (its change set's stamp is the laptop's own clock), and a peer names a recorded time
#: more than ``rules.SEAL_LAG`` (5 minutes) before such a stamp as back-dated; so the demo's
#: history lies within the 4 minutes before the clock it started at (a minute left for the
#: writing itself), and no peer flags it, whatever its clock (issue 13, rev13s F3). What the demo
#: shows is a history of those minutes: a first assessment, then a rise; signals at every step of
#: their workflow; a log.
HISTORY = rules.SEAL_LAG - timedelta(minutes=1)


def _check_span(first_day: date, days: int, today_here: date) -> None:
    """Refuse a demo whose dates would leave 1970-2099: it writes its history up to a few
    minutes before the clock (``HISTORY``; signals observed 20 minutes before they were raised), and
    qualifications valid up to 700 days after its first day (a day's margin either side)."""
    first = min(first_day, today_here) - timedelta(days=1)
    last = first_day + timedelta(days=max(days, 700) + 1)
    if first < validate.EARLIEST_DAY or last > validate.LATEST_DAY:
        raise BadInput(
            code="demo_outside_range",
            first=first.isoformat(),
            last=last.isoformat(),
            earliest=validate.EARLIEST_DAY.isoformat(),
            latest=validate.LATEST_DAY.isoformat(),
        )


def generate_demo(
    store: Store,
    *,
    seed: int = 7,
    scale: str = "small",
    start: date | None = None,
    days: int | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> DemoSummary:
    """Fill an empty database with the synthetic dataset; refuse a database that has subjects.

    Args:
        seed: the random seed (0 or more): the same seed gives the same data.
        scale: one of ``SCALES`` (``small``…).
        start: the first local day of the agenda (default: today).
        days: how many days of agenda (default: the scale's).
        progress: called with (stage, done, total), or None.

    Returns:
        What was made, counted.

    Raises:
        PermissionDenied: the acting person may not write staff.
        BadInput: an unknown scale, a bad seed, or a database that has subjects already.
    """
    access.require(store.actor, "staff.write")
    validate.integer(seed, "seed", low=0, high=validate.INT64_MAX)
    if scale not in SCALES:
        raise BadInput(code="unknown_scale", scale=validate.shown(scale), scales=list(SCALES))
    with store.write("demo.generate", None, {"seed": seed, "scale": scale}) as conn:
        existing = conn.execute("SELECT count(*) FROM subject").fetchone()[0]
        if existing:
            raise BadInput(code="demo_needs_empty_database", subjects=existing)
        return fill(store, conn, seed=seed, scale=scale, start=start, days=days, progress=progress)


def fill(
    store: Store,
    conn: sqlite3.Connection,
    *,
    seed: int,
    scale: str,
    start: date | None,
    days: int | None,
    progress: Callable[[str, int, int], None] | None = None,
) -> DemoSummary:
    """Write the dataset's rows through ``conn``, inside the caller's transaction; ``store``
    gives the catalogue, this device and its operator. (The bench writes the same rows into a
    database without triggers: the floor ``demo`` is measured against.)

    Args:
        seed: the random seed.
        scale: one of ``SCALES``.
        start: the first local day of the agenda, or None for today.
        days: how many days of agenda, or None for the scale's.
        progress: called with (stage, done, total), or None.

    Returns:
        What was made, counted.
    """
    size = SCALES[scale]
    rng = random.Random(seed)
    first_day = start or today(store.clock)
    _check_span(first_day, days or size["days"], today(store.clock))
    report = progress or (lambda stage, done, total: None)
    builder = _Builder(store, rng, first_day, days or size["days"])
    builder.conn = conn
    report("subjects", 0, 5)
    subjects = builder.subjects(size["subjects"])
    report("officers", 1, 5)
    officers = builder.officers(size["officers"], [str(s["unit"]) for s in subjects])
    report("agenda", 2, 5)
    activities = builder.agenda(subjects)
    report("shifts", 3, 5)
    shifts = builder.shifts(officers)
    builder.seal(None)  # the people exist before what they write (their own change sets)
    report("signals", 4, 5)
    signals, entries = builder.signals_and_log(subjects, activities, officers)
    builder.reassess(subjects)
    report("done", 5, 5)
    return DemoSummary(
        seed,
        scale,
        first_day,
        len(subjects),
        len(officers),
        len(activities),
        shifts,
        signals,
        entries,
    )


def _mixes(
    concepts: list[Concept], qualifications: list[Qualification]
) -> tuple[list[tuple[list[str], int]], str]:
    """The demo officers' qualification mixes with their weights, and the high-risk
    qualification: mostly the typical ones, some for object posts, some high-risk officers.

    Each group is ordered by how many officers the catalogue's concepts ask for at once (the
    catalogue's order on a tie); in the shipped catalogue: close protection and protective
    driving; object guard and camera operator; HRB (the one every concept of the highest
    level needs that a typical officer lacks).

    Returns:
        The mixes (none empty) with their weights, and the high-risk qualification or "".
    """
    demand: Counter[str] = Counter()
    for concept in concepts:
        for need in concept.staffing:
            demand[need.qualification] += need.count
    order = {q.code: n for n, q in enumerate(qualifications)}

    def ranked(codes: set[str]) -> list[str]:
        return sorted(codes, key=lambda q: (-demand[q], order.get(q, len(order))))

    typical = ranked({q.code for q in qualifications if q.typical})
    top = max((c.rank for c in concepts), default=0)
    needs = [{s.qualification for s in c.staffing} for c in concepts if c.rank == top]
    high = ranked(set.intersection(*needs) - set(typical))[:1] if needs else []
    posts = {
        s.qualification for c in concepts if "person" not in c.subject_kinds for s in c.staffing
    }
    objects = ranked(posts - set(typical) - set(high))
    mixes = [
        (typical, 32),
        (typical[:1], 16),
        (objects[:1], 18),
        (objects[1:2], 4),
        (objects[:2], 4),
        *(([*high, t], 10) for t in typical[:2]),
        (high, 6),
    ]
    return [(m, w) for m, w in mixes if m], (high[0] if high else "")


class _Builder:
    def __init__(self, store: Store, rng: random.Random, first_day: date, days: int) -> None:
        self.store = store
        self.rng = rng
        self.first_day = first_day
        self.days = days
        self.now = to_db(store.now())
        self.moment = from_db(self.now)
        self.device = store.device_id
        self.actor = store.actor.callsign
        units = list_units(store)
        home = home_organisation(units)
        self.units = [u.code for u in units]
        #: The home organisation's regional units, where the subjects live (all, if none).
        self.regional = [u.code for u in units if u.organisation == home and not u.national]
        self.regional = self.regional or self.units
        #: Its national unit (DKDB in the shipped catalogue): some subjects and officers.
        self.national = next((u.code for u in units if u.organisation == home and u.national), "")
        #: A unit of another organisation (KMAR-HRB): some officers, each of them high-risk.
        self.specialist = next((u.code for u in units if u.organisation != home), "")
        self.rules = {r.level: r for r in list_threat_rules(store)}
        self.packages = {p.code: p for p in list_packages(store)}
        concepts = list_concepts(store)
        self.concepts = {c.code: c for c in concepts}
        #: Concepts for objects and services only (STATIC, OBJ-HRB, CAM): standing posts.
        self.object_concepts = frozenset(
            c.code for c in concepts if "person" not in c.subject_kinds
        )
        self.mixes, self.high_risk = _mixes(concepts, list_qualifications(store))
        self.conn = store.conn
        self.analysts: set[str] = set()  # officers of the information organisation
        # A laptop in a team carries only what its enrolled role may do (both roles bound an
        # action): on one that may not process signals the analysts' steps are left out, as the
        # store would refuse them there and every other laptop would quarantine them.
        laptop = store.actor.laptop_role
        self.may_process = laptop in (None, "admin") or access.allowed(laptop, "signal.process")

    def _id(self) -> str:
        return uuid7()

    def _at(self, day: date, hour: int, minute: int = 0) -> datetime:
        moment = datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL_TZ)
        return moment.astimezone(UTC)

    def officers(
        self, count: int, subject_units: list[str]
    ) -> list[tuple[str, str, str, list[str]]]:
        """Officers placed where the protected subjects are, with some of the national and the
        specialist unit (``_Builder.__init__``)."""
        choices = [m for m, _ in self.mixes]
        weights = [w for _, w in self.mixes]
        result = []
        staff_rows, qual_rows = [], []
        for n in range(count):
            if n % 25 == 7 and self.specialist:
                unit = self.specialist
            elif n % 25 == 13 and self.national:
                unit = self.national
            else:
                unit = subject_units[(n * 7) % len(subject_units)]
            quals = list(self.rng.choices(choices, weights)[0])
            if unit == self.specialist and self.high_risk and self.high_risk not in quals:
                quals.append(self.high_risk)
            role = "operator"
            if n % 40 == 0:
                role = "shift_leader"
            elif n % 97 == 5:
                role = "planner"
            elif n % 113 == 9:
                role = "info_analyst"
            callsign = f"{unit}-{n:04d}"
            name = f"{chr(65 + self.rng.randrange(26))}. {self.rng.choice(_SURNAMES)}"
            staff_id = self._id()
            staff_rows.append((staff_id, callsign, name, unit, role, self.now))
            for q in quals:
                until = None
                roll = self.rng.random()
                if roll < 0.06:
                    until = (self.first_day + timedelta(days=self.rng.randrange(0, 5))).isoformat()
                elif roll < 0.5:
                    until = (
                        self.first_day + timedelta(days=self.rng.randrange(60, 700))
                    ).isoformat()
                qual_rows.append((staff_id, q, until))
            result.append((staff_id, callsign, unit, quals))
            if role == "info_analyst":
                self.analysts.add(callsign)
        self.conn.executemany(
            "INSERT INTO staff (id, callsign, name, unit, role, created_at) VALUES (?,?,?,?,?,?)",
            staff_rows,
        )
        self.conn.executemany(
            "INSERT INTO staff_qualification (staff_id, qualification, valid_until)"
            " VALUES (?, ?, ?)",
            qual_rows,
        )
        secret = demo_hash()  # every demo person's secret is DEMO_SECRET; hashed once
        secret_writer(self.conn).executemany(
            "INSERT INTO staff_secret (staff_id, hash, set_at, set_by) VALUES (?, ?, ?, ?)",
            [(row[0], secret, self.now, self.actor) for row in staff_rows],
        )
        return result

    def subjects(self, count: int) -> list[dict[str, object]]:
        names = list(_ANIMALS) + list(_TREES)
        subjects = []
        subject_rows, assessment_rows = [], []
        for n in range(count):
            base = names[n % len(names)]
            code = base if n < len(names) else f"{base}-{n // len(names):02d}"
            kind = "object" if n % 5 == 4 else "person"
            unit = self.regional[(n * 7) % len(self.regional)]
            if n % 11 == 3 and self.national:
                unit = self.national
            domain = "national" if unit == self.national or n % 6 == 0 else "local"
            level = self.rng.choices([1, 2, 3, 4, 5], [40, 35, 17, 6, 2])[0]
            subject_id = self._id()
            subject_rows.append((subject_id, code, kind, domain, unit, self.now))
            assessed = self._before((20 + n % 20) / 40)
            assessment_rows.append(
                (
                    self._id(),
                    subject_id,
                    level,
                    domain,
                    "Synthetic assessment for the demo.",
                    assessed,
                    self.actor,
                    self.device,
                )
            )
            subjects.append(
                {
                    "id": subject_id,
                    "code": code,
                    "kind": kind,
                    "unit": unit,
                    "level": level,
                    "town": _TOWNS[n % len(_TOWNS)],
                }
            )
        self.conn.executemany(
            "INSERT INTO subject (id, code, kind, domain, unit, created_at)"  # level: derived (R2)
            " VALUES (?, ?, ?, ?, ?, ?)",
            subject_rows,
        )
        self.conn.executemany(
            "INSERT INTO threat_assessment (id, subject_id, level, domain, summary, assessed_at,"
            " assessed_by, device) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            assessment_rows,
        )
        return subjects

    def _valid_concepts(self, subject: dict[str, object], for_objects: bool) -> list[str]:
        """Concepts of the subject's package usable in its unit, suited to objects or persons."""
        rule = self.rules[int(subject["level"])]  # type: ignore[call-overload]
        usable = [
            code
            for code in self.packages[rule.package].concepts
            if not self.concepts[code].pilot or subject["unit"] in self.concepts[code].pilot_units
        ]
        suited = [code for code in usable if (code in self.object_concepts) == for_objects]
        return suited or usable

    def agenda(self, subjects: list[dict[str, object]]) -> list[tuple[str, str]]:
        rows, posts, made = [], [], []
        for subject in subjects:
            town = str(subject["town"])
            if subject["kind"] == "object":
                concepts = self._valid_concepts(subject, for_objects=True)
                for offset in range(self.days):
                    day = self.first_day + timedelta(days=offset)
                    if day.weekday() >= 5:
                        continue  # standing posts on weekdays, office hours
                    posts.append(
                        (
                            self._id(),
                            subject["id"],
                            self.rng.choice(concepts),
                            to_db(self._at(day, 9)),
                            to_db(self._at(day, 17)),
                            self.now,
                        )
                    )
                continue
            concepts = self._valid_concepts(subject, for_objects=False)
            for offset in range(self.days):
                day = self.first_day + timedelta(days=offset)
                hour = 7 + self.rng.randrange(3)
                slots = (2, 3, 3, 4) if day.weekday() < 5 else (1, 2, 2)
                for slot in range(self.rng.choice(slots)):
                    pool = _WORK if slot % 2 == 0 and day.weekday() < 5 else _PRIVATE
                    title, place = self.rng.choice(pool)
                    length = self.rng.choice((1, 1, 1, 2, 2, 3))
                    minute = self.rng.choice((0, 15, 30, 45))
                    if hour + length > 23:
                        break
                    start = self._at(day, hour, minute)
                    end = self._at(day, hour + length, minute)
                    concept = None if self.rng.random() < 0.06 else self.rng.choice(concepts)
                    status = "confirmed" if self.rng.random() < 0.5 else "planned"
                    activity_id = self._id()
                    kind = "work" if pool is _WORK else "private"
                    rows.append(
                        (
                            activity_id,
                            subject["id"],
                            title,
                            kind,
                            to_db(start),
                            to_db(end),
                            place.format(town=town, n=1 + self.rng.randrange(9)),
                            status,
                            concept,
                            self.now,
                            self.actor,
                            self.now,
                        )
                    )
                    made.append((activity_id, str(subject["id"])))
                    hour += length + self.rng.randrange(1, 3)
        self.conn.executemany(
            "INSERT INTO activity (id, subject_id, title, kind, start_at, end_at, location,"
            " status, concept, created_at, created_by, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        self.conn.executemany(
            "INSERT INTO standing_post (id, subject_id, concept, start_at, end_at, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            posts,
        )
        return made

    def shifts(self, officers: list[tuple[str, str, str, list[str]]]) -> int:
        rows = []
        patterns = ((7, 9), (15, 9), (23, 8))
        for staff_id, _callsign, _unit, _quals in officers:
            pattern = self.rng.choices(patterns, (46, 46, 8))[0]
            off_days = set(self.rng.sample(range(self.days), k=2))
            for offset in range(self.days):
                if offset in off_days:
                    continue
                day = self.first_day + timedelta(days=offset)
                start = local_to_utc(day, pattern[0], 0)
                end = start + timedelta(hours=pattern[1])
                rows.append((self._id(), staff_id, to_db(start), to_db(end), self.now))
        self.conn.executemany(
            "INSERT INTO shift (id, staff_id, start_at, end_at, created_at) VALUES (?,?,?,?,?)",
            rows,
        )
        return len(rows)

    def signals_and_log(
        self,
        subjects: list[dict[str, object]],
        activities: list[tuple[str, str]],
        officers: list[tuple[str, str, str, list[str]]],
    ) -> tuple[int, int]:
        """Signals at every stage of the workflow, and log entries on the activities; the
        number of each."""
        signals = self.signals(subjects, officers)
        entries = self.log_entries(activities, officers, max(8, len(subjects) // 2))
        return signals, entries

    def signals(
        self, subjects: list[dict[str, object]], officers: list[tuple[str, str, str, list[str]]]
    ) -> int:
        """Signals raised over the last hour, each taken some steps along by an analyst."""
        analysts = [o for o in officers if o[1] in self.analysts] if self.may_process else []
        steps = ("received", "follow_up", "interpreted", "closed")
        outcomes = ("confirmed", "not_confirmed", "false_positive", "forwarded_to_investigation")
        signal_rows, event_rows = [], []
        count = max(6, len(subjects) // 4)
        for n in range(count):
            subject = subjects[n % len(subjects)]
            category, text = _SIGNAL_TEXTS[n % len(_SIGNAL_TEXTS)]
            reporter = officers[(n * 13) % len(officers)][1]
            raised = from_db(self._before((n + 1) / (count + 1)))
            pace = (self.moment - raised) / 5
            signal_id = self._id()
            signal_rows.append(
                (
                    signal_id,
                    to_db(raised),
                    to_db(raised - timedelta(minutes=20)),
                    reporter,
                    self.device,
                    category,
                    ("routine", "priority", "immediate")[n % 3],
                    ("green", "amber", "amber+strict", "red", "clear")[n % 5],
                    subject["id"],
                    f"{subject['town']}",
                    text,
                )
            )
            analyst = analysts[n % len(analysts)][1] if analysts else ""
            for depth, step in enumerate(steps[: n % 5] if analysts else ()):
                event_rows.append(
                    (
                        self._id(),
                        signal_id,
                        to_db(raised + pace * (depth + 1)),
                        analyst,
                        self.device,
                        step,
                        "Duiding: past bij eerdere meldingen (synthetisch)."
                        if step == "interpreted"
                        else "",
                        outcomes[n % len(outcomes)] if step == "closed" else None,
                    )
                )
        self._as_authors(
            "INSERT INTO signal (id, raised_at, observed_at, reporter, device, category, urgency,"
            " tlp, subject_id, location, text) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            signal_rows,
            3,
        )
        self._as_authors(
            "INSERT INTO signal_event (id, signal_id, at, actor, device, kind, note, outcome)"
            " VALUES (?,?,?,?,?,?,?,?)",
            event_rows,
            3,
        )
        return len(signal_rows)

    def log_entries(
        self,
        activities: list[tuple[str, str]],
        officers: list[tuple[str, str, str, list[str]]],
        count: int,
    ) -> int:
        """Log entries of every kind on the activities, incidents and equipment flagged."""
        texts = {
            "movement": "Vertrek naar locatie, route B gekozen.",
            "note": "Contact met TBP over planning morgen.",
            "deviation": "Aanvang 15 minuten later dan gepland.",
            "incident": "Onbekend voertuig bij vertrek, kenteken doorgegeven.",
            "equipment": "Portofoon 2 defect, vervangen.",
        }
        log_rows = []
        for n in range(count):
            activity_id, subject_id = activities[(n * 7) % len(activities)]
            at = from_db(self._before((n + 1) / (count + 1)))
            kind = ("movement", "note", "deviation", "incident", "equipment")[n % 5]
            log_rows.append(
                (
                    self._id(),
                    to_db(at),
                    officers[(n * 5) % len(officers)][1],
                    self.device,
                    subject_id,
                    activity_id,
                    kind,
                    texts[kind],
                    int(kind in ("incident", "equipment")),
                )
            )
        self._as_authors(
            "INSERT INTO log_entry (id, at, author, device, subject_id, activity_id, kind, text,"
            " flagged) VALUES (?,?,?,?,?,?,?,?,?)",
            log_rows,
            2,
        )
        return len(log_rows)

    def _as_authors(self, sql: str, rows: Sequence[tuple[object, ...]], author: int) -> None:
        """Each person's records as a change set of their own, sealed as written by them: the
        records name them as author, and other laptops judge a record by the person recorded
        as having made it (a record naming another author than its change's is refused)."""
        by_author: dict[str, list[tuple[object, ...]]] = {}
        for row in rows:
            by_author.setdefault(str(row[author]), []).append(row)
        for callsign, written in sorted(by_author.items()):
            self.conn.executemany(sql, written)
            self.seal(callsign)

    def _before(self, share: float) -> str:
        """The stored time ``share`` (0–1) of the demo's history (``HISTORY``) before the
        clock, to the second."""
        return to_db(self.moment - timedelta(seconds=int(HISTORY.total_seconds() * share)))

    def seal(self, callsign: str | None) -> None:
        """Seal what was written so far as ``callsign``'s change set (None: the acting
        person's); not on a connection other than the store's own (the bench's floor, which
        has no change capture)."""
        if self.conn is self.store.conn:
            self.store.seal(callsign)

    def reassess(self, subjects: list[dict[str, object]]) -> None:
        """A few persons' threat rises after their agenda was planned: re-planning needed."""
        raised = [s for s in subjects if s["kind"] == "person" and int(s["level"]) in (2, 3)]  # type: ignore[call-overload]
        for subject in raised[: max(1, len(subjects) // 12)]:
            level = int(subject["level"]) + 1  # type: ignore[call-overload]
            self.conn.execute(
                "INSERT INTO threat_assessment (id, subject_id, level, domain, summary,"
                " assessed_at, assessed_by, device)"
                " SELECT ?, id, ?, domain, ?, ?, ?, ? FROM subject WHERE id = ?",
                (
                    self._id(),
                    level,
                    "Threat raised after new information (synthetic).",
                    self.now,
                    self.actor,
                    self.device,
                    subject["id"],
                ),
            )
