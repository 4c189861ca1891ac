"""The reference catalogue: resistance levels, threat levels, packages, concepts, qualifications,
units and the letter's capacity reinforcements.

It is fictional and configurable (``store/catalogue.toml``, or a file passed to ``init``), seeded
into the database once, and read back as records. ``derive`` is the deterministic rule of R2:
threat level → required resistance level → package.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from . import machine, validate
from .db import Store
from .errors import BadInput, NotFound

TYPE_CHECKING = False  # as typing's, without importing typing at run time (commands/fast.py)
if TYPE_CHECKING:
    from decimal import Decimal
    from typing import Any

SUBJECT_KINDS = ("person", "object", "service")
DEFAULT_TRAVEL_MINUTES = 90
#: The catalogue shipped with the package (installed as a file beside this module).
SHIPPED = Path(__file__).with_name("catalogue.toml")
#: The largest catalogue file read (the shipped one is about 7 KB).
MAX_FILE_BYTES = 1_000_000


@dataclass(frozen=True)
class Unit:
    """A unit that protects subjects and employs officers.

    Attributes:
        code: short code, upper case (``RT``, ``DKDB``).
        name: full name.
        organisation: the organisation the unit belongs to (``Politie``, ``KMar``).
        national: a national unit (catalogue mark ``national``): suggestions ask its officers
            after those of the regional units.
    """

    code: str
    name: str
    organisation: str
    national: bool = False


@dataclass(frozen=True)
class Level:
    """A resistance level (*weerstandsniveau*), W1 lowest.

    Attributes:
        code: its code (``W1`` … ``W4`` in the shipped catalogue).
        rank: its order, 1 lowest; a concept provides a level when its rank is at least the
            level's (rule R1).
        label: what the level means, for people.
    """

    code: str
    rank: int
    label: str


@dataclass(frozen=True)
class Package:
    """A package (*pakket*): the concepts allowed for a required resistance level (rule R1/R3).

    Attributes:
        code: its code (``PKG-W3``).
        name: its name, for people.
        level: the resistance level it is built for (a ``Level.code``).
        concepts: the codes of its concepts, lowest level first, then by code.
        care_modules: the care modules (psychosocial support and the like) that come with it.
    """

    code: str
    name: str
    level: str
    concepts: tuple[str, ...]
    care_modules: tuple[str, ...]


@dataclass(frozen=True)
class Staffing:
    """How many officers with one qualification a concept needs at once.

    Attributes:
        qualification: the qualification's code.
        count: officers needed at the same time (at least 1).
    """

    qualification: str
    count: int


@dataclass(frozen=True)
class Concept:
    """A security concept (*beveiligingsconcept*): the staffing that provides a resistance level.

    Attributes:
        code: its code, upper case (``CP-LIGHT``).
        name: its name, for people.
        level: the resistance level it provides (a ``Level.code``).
        rank: that level's rank.
        pilot: whether it is a pilot concept, usable only within ``pilot_units`` or
            ``pilot_packages`` (rule R4).
        staffing: the officers it needs at once, by qualification code.
        pilot_units: the units whose subjects may get the pilot concept.
        pilot_packages: the packages with which the pilot concept may be used.
        subject_kinds: the kinds of protected subject (person, object, service) it serves (R3).
    """

    code: str
    name: str
    level: str
    rank: int
    pilot: bool
    staffing: tuple[Staffing, ...]
    pilot_units: tuple[str, ...] = ()
    pilot_packages: tuple[str, ...] = ()
    #: The kinds of protected subject (person, object, service) the concept serves.
    subject_kinds: tuple[str, ...] = SUBJECT_KINDS

    @property
    def officers(self) -> int:
        """How many officers the concept needs at once."""
        return sum(s.count for s in self.staffing)


@dataclass(frozen=True)
class Qualification:
    """A qualification an officer can hold and a concept's staffing asks for.

    Attributes:
        code: lower-case code (``close_protection``).
        name: name for people.
        typical: a typical protection officer holds it (catalogue mark ``typical``): an officer
            a capacity scenario adds without named qualifications holds the typical ones.
    """

    code: str
    name: str
    typical: bool = False


@dataclass(frozen=True)
class ThreatRule:
    """One row of rule R2: a threat level and what it requires.

    Attributes:
        level: the threat level (1 lowest; 1–5 in the shipped catalogue).
        label: its name, for people (``Substantial``).
        resistance_level: the resistance level it requires (a ``Level.code``).
        package: the package that goes with it (a ``Package.code``).
    """

    level: int
    label: str
    resistance_level: str
    package: str


@dataclass(frozen=True)
class Reinforcement:
    """One capacity reinforcement of the letter: FTE funded for an organisation and purpose.

    Attributes:
        funding_line: the budget line that pays for it.
        organisation: the organisation that receives it (``Politie``, ``KMar``).
        purpose: what it is for.
        fte: full-time equivalents, exact to a tenth (stored as whole tenths).
    """

    funding_line: str
    organisation: str
    purpose: str
    fte: Decimal


# Loading and seeding -----------------------------------------------------------------------------


def load_catalogue(path: Path | None = None) -> dict[str, Any]:
    """Read and validate a catalogue file.

    Args:
        path: a TOML catalogue file; None reads the shipped one (``SHIPPED``).

    Returns:
        The catalogue's tables as parsed TOML (``resistance_levels``, ``threat_levels``,
        ``qualifications``, ``concepts``, ``packages``, ``units``, ``travel``,
        ``reinforcements``), ready for ``seed_catalogue``.

    Raises:
        BadInput: the file is not a regular file of at most ``MAX_FILE_BYTES``, is not UTF-8
            TOML or nests too deeply; its shape is wrong (``catalogue_shape.check``: a field
            missing, unknown or of the wrong type, out of range, a code or name with characters
            it may not hold, a repeated code, rank or threat level); a concept,
            package, threat level or travel pair names something unknown; a package lists a
            concept below its level (R1); a threat level's package is built for another level;
            an FTE has more than one decimal; a mark (``typical``, ``national``) is not
            true/false; travel minutes are not whole minutes 0–1440.
    """
    import tomllib  # only init reads a catalogue file; scripted commands start without it

    try:
        if path is None:
            text = SHIPPED.read_text("utf-8")
        else:
            raw = machine.read_regular(path, MAX_FILE_BYTES, "catalogue")
            text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        if isinstance(exc, UnicodeDecodeError):
            reason = "not UTF-8 text"
        raise BadInput(
            code="catalogue_unreadable",
            path=validate.shown(Path(path or SHIPPED).name),
            reason=reason,
        ) from None
    from . import catalogue_shape  # only a catalogue file is checked for shape (and FTE)

    catalogue_shape.check(data)
    _validate(data)
    return data


def _validate(data: dict[str, Any]) -> None:
    try:
        ranks = {lvl["code"]: int(lvl["rank"]) for lvl in data["resistance_levels"]}
        concepts = {c["code"]: c for c in data["concepts"]}
        packages = {p["code"]: p for p in data["packages"]}
        quals = {q["code"] for q in data["qualifications"]}
        units = {u["code"] for u in data["units"]}
        _validate_concepts(concepts, ranks, quals, units, set(packages))
        _validate_travel(data.get("travel", {}), units)
        for package in packages.values():
            if package["level"] not in ranks:
                raise BadInput(
                    code="catalogue_package_level", package=package["code"], level=package["level"]
                )
            for code in package["concepts"]:
                if code not in concepts:
                    raise BadInput(
                        code="catalogue_package_concept", package=package["code"], concept=code
                    )
                if ranks[concepts[code]["level"]] < ranks[package["level"]]:
                    raise BadInput(
                        code="catalogue_package_below",
                        package=package["code"],
                        level=package["level"],
                        concept=code,
                        provides=concepts[code]["level"],
                    )
        for rule in data["threat_levels"]:
            if rule["package"] not in packages or rule["resistance_level"] not in ranks:
                raise BadInput(code="catalogue_threat_unknown", threat_level=rule["level"])
            if packages[rule["package"]]["level"] != rule["resistance_level"]:
                raise BadInput(
                    code="catalogue_threat_mismatch",
                    threat_level=rule["level"],
                    required=rule["resistance_level"],
                    package=rule["package"],
                    built_for=packages[rule["package"]]["level"],
                )
        for row in data["reinforcements"]:
            _fte_tenths(row["fte"])
    except KeyError as exc:
        raise BadInput(code="catalogue_field_missing", field=str(exc)) from None


def _validate_concepts(
    concepts: dict[str, Any],
    ranks: dict[str, int],
    quals: set[str],
    units: set[str],
    packages: set[str],
) -> None:
    """Every concept names a known level, qualifications, pilot units and packages, and
    subject kinds."""
    for concept in concepts.values():
        if concept["level"] not in ranks:
            raise BadInput(
                code="catalogue_concept_level", concept=concept["code"], level=concept["level"]
            )
        for qual in concept.get("staffing", {}):
            if qual not in quals:
                raise BadInput(
                    code="catalogue_concept_qualification",
                    concept=concept["code"],
                    qualification=qual,
                )
        for unit in concept.get("pilot_units", []):
            if unit not in units:
                raise BadInput(code="catalogue_pilot_unit", concept=concept["code"], unit=unit)
        for package in concept.get("pilot_packages", []):
            if package not in packages:
                raise BadInput(
                    code="catalogue_pilot_package", concept=concept["code"], package=package
                )
        for kind in concept.get("subject_kinds", SUBJECT_KINDS):
            if kind not in SUBJECT_KINDS:
                raise BadInput(code="catalogue_concept_kind", concept=concept["code"], kind=kind)


def _validate_travel(travel: dict[str, Any], units: set[str]) -> None:
    minutes = [travel.get("default_minutes", DEFAULT_TRAVEL_MINUTES)]
    for pair in travel.get("pairs", []):
        if len(pair["units"]) != 2 or not set(pair["units"]) <= units:
            raise BadInput(code="catalogue_travel_units", units=pair["units"])
        minutes.append(pair["minutes"])
    for value in minutes:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1440:
            raise BadInput(code="catalogue_travel_minutes", value=value)


def _fte_tenths(value: str | int | float) -> int:
    from decimal import Decimal, InvalidOperation  # FTE is exact; a listing never loads decimal

    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise BadInput(code="catalogue_fte_not_number", value=value) from None
    tenths = amount * 10
    if tenths != tenths.to_integral_value():
        raise BadInput(code="catalogue_fte_decimals", value=value)
    return int(tenths)


def seed_catalogue(conn: sqlite3.Connection, data: dict[str, Any]) -> None:
    """Write a validated catalogue into a new database, inside the caller's transaction.

    Args:
        conn: the new database's connection, in an open transaction (``init_database``).
        data: a catalogue as ``load_catalogue`` returns it.

    Raises:
        sqlite3.IntegrityError: the database already holds a catalogue with the same codes.
    """
    conn.executemany(
        "INSERT INTO resistance_level (code, rank, label) VALUES (:code, :rank, :label)",
        data["resistance_levels"],
    )
    conn.executemany(
        "INSERT INTO qualification (code, name, typical) VALUES (?, ?, ?)",
        [(q["code"], q["name"], int(q.get("typical", False))) for q in data["qualifications"]],
    )
    conn.executemany(
        "INSERT INTO unit (code, name, organisation, national) VALUES (?, ?, ?, ?)",
        [
            (u["code"], u["name"], u["organisation"], int(u.get("national", False)))
            for u in data["units"]
        ],
    )
    _seed_concepts(conn, data["concepts"])
    for package in data["packages"]:
        conn.execute(
            "INSERT INTO package (code, name, level, care_modules) VALUES (?, ?, ?, ?)",
            (
                package["code"],
                package["name"],
                package["level"],
                json.dumps(package.get("care_modules", []), ensure_ascii=False),
            ),
        )
        conn.executemany(
            "INSERT INTO package_concept (package, concept) VALUES (?, ?)",
            [(package["code"], code) for code in package["concepts"]],
        )
    conn.executemany(
        "INSERT INTO threat_level (level, label, resistance_level, package)"
        " VALUES (:level, :label, :resistance_level, :package)",
        data["threat_levels"],
    )
    travel = data.get("travel", {})
    conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('travel_default_minutes', ?)",
        (str(travel.get("default_minutes", DEFAULT_TRAVEL_MINUTES)),),
    )
    conn.executemany(
        "INSERT INTO unit_travel (from_unit, to_unit, minutes) VALUES (?, ?, ?)",
        [(*sorted(p["units"]), p["minutes"]) for p in travel.get("pairs", [])],
    )
    conn.executemany(
        "INSERT INTO reinforcement (funding_line, organisation, purpose, fte_tenths)"
        " VALUES (?, ?, ?, ?)",
        [
            (r["funding_line"], r["organisation"], r["purpose"], _fte_tenths(r["fte"]))
            for r in data["reinforcements"]
        ],
    )


def _seed_concepts(conn: sqlite3.Connection, concepts: list[dict[str, Any]]) -> None:
    """The concepts with their staffing and pilot scope."""
    for concept in concepts:
        conn.execute(
            "INSERT INTO concept (code, name, level, pilot, description, subject_kinds)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                concept["code"],
                concept["name"],
                concept["level"],
                int(bool(concept.get("pilot"))),
                concept.get("description", ""),
                ",".join(concept.get("subject_kinds", SUBJECT_KINDS)),
            ),
        )
        for qual, count in concept.get("staffing", {}).items():
            conn.execute(
                "INSERT INTO concept_staffing (concept, qualification, count) VALUES (?, ?, ?)",
                (concept["code"], qual, int(count)),
            )
        for unit in concept.get("pilot_units", []):
            conn.execute(
                "INSERT INTO pilot_scope (concept, unit) VALUES (?, ?)", (concept["code"], unit)
            )
        for package in concept.get("pilot_packages", []):
            conn.execute(
                "INSERT INTO pilot_scope (concept, package) VALUES (?, ?)",
                (concept["code"], package),
            )


# Reading ------------------------------------------------------------------------------------


def list_units(store: Store) -> list[Unit]:
    """Every unit, in the catalogue's order.

    Returns:
        The units as ``Unit`` records.
    """
    rows = store.query("SELECT code, name, organisation, national FROM unit")
    return [_unit(r) for r in rows]


def home_organisation(units: list[Unit]) -> str:
    """The organisation with the most units (the first of them in the catalogue on a tie):
    the one whose regional units protect most subjects (``Politie`` in the shipped catalogue).

    Args:
        units: the catalogue's units, in its order.

    Returns:
        The organisation's name.

    Raises:
        BadInput: a catalogue with no units.
    """
    if not units:
        raise BadInput(code="catalogue_no_units")
    return Counter(u.organisation for u in units).most_common(1)[0][0]


def default_unit(units: list[Unit]) -> str:
    """The unit a new operator belongs to unless told otherwise: the first national unit of the
    home organisation (``home_organisation``), else its first unit (``DKDB`` in the shipped
    catalogue).

    Args:
        units: the catalogue's units, in its order.

    Returns:
        The unit's code.

    Raises:
        BadInput: a catalogue with no units.
    """
    home = home_organisation(units)
    mine = [u for u in units if u.organisation == home]
    return next((u.code for u in mine if u.national), mine[0].code)


def get_unit(store: Store, code: str) -> Unit:
    """One unit by its code.

    Args:
        code: the unit's code, any case.

    Returns:
        The unit.

    Raises:
        NotFound: no unit has that code (the message lists the known ones).
    """
    row = store.one(
        "SELECT code, name, organisation, national FROM unit WHERE code = ?",
        (validate.identifier(code, "unit"),),
    )
    if row is None:
        known = ", ".join(u.code for u in list_units(store))
        raise NotFound(code="unknown_unit", given=validate.shown(code), known=known)
    return _unit(row)


def _unit(row: sqlite3.Row) -> Unit:
    return Unit(row["code"], row["name"], row["organisation"], bool(row["national"]))


def list_levels(store: Store) -> list[Level]:
    """Every resistance level, lowest rank first.

    Returns:
        The levels as ``Level`` records.
    """
    rows = store.query("SELECT code, rank, label FROM resistance_level ORDER BY rank")
    return [Level(**dict(r)) for r in rows]


def list_threat_rules(store: Store) -> list[ThreatRule]:
    """The whole table of rule R2, lowest threat level first.

    Returns:
        One ``ThreatRule`` per threat level.
    """
    rows = store.query(
        "SELECT level, label, resistance_level, package FROM threat_level ORDER BY level"
    )
    return [ThreatRule(**dict(r)) for r in rows]


def derive(store: Store, threat_level: int) -> ThreatRule:
    """Rule R2: the required resistance level and package for a threat level.

    Args:
        threat_level: the assessed threat level.

    Returns:
        The catalogue's rule for that level.

    Raises:
        BadInput: the catalogue has no such threat level (the message lists the known ones).
    """
    row = store.one(
        "SELECT level, label, resistance_level, package FROM threat_level WHERE level = ?",
        (threat_level,),
    )
    if row is None:
        levels = ", ".join(str(r.level) for r in list_threat_rules(store))
        raise BadInput(code="unknown_threat_level", threat_level=threat_level, levels=levels)
    return ThreatRule(**dict(row))


def list_packages(store: Store) -> list[Package]:
    """Every package with its concepts, lowest level first, then by code.

    Returns:
        The packages as ``Package`` records.
    """
    members: dict[str, list[str]] = {}
    for row in store.query(
        "SELECT pc.package, pc.concept FROM package_concept pc"
        " JOIN concept c ON c.code = pc.concept"
        " JOIN resistance_level rl ON rl.code = c.level ORDER BY rl.rank, c.code"
    ):
        members.setdefault(row["package"], []).append(row["concept"])
    rows = store.query(
        "SELECT p.code, p.name, p.level, p.care_modules FROM package p"
        " JOIN resistance_level rl ON rl.code = p.level ORDER BY rl.rank, p.code"
    )
    return [
        Package(
            code=r["code"],
            name=r["name"],
            level=r["level"],
            concepts=tuple(members.get(r["code"], [])),
            care_modules=tuple(json.loads(r["care_modules"])),
        )
        for r in rows
    ]


def get_package(store: Store, code: str) -> Package:
    """One package by its exact code.

    Args:
        code: the package's code (as stored, upper case).

    Returns:
        The package with its concepts.

    Raises:
        NotFound: no package has that code.
    """
    for package in list_packages(store):
        if package.code == code:
            return package
    raise NotFound(code="unknown_package", given=validate.shown(code))


def list_concepts(store: Store) -> list[Concept]:
    """Every concept with its staffing and pilot scope, lowest level first, then by code.

    Returns:
        The concepts as ``Concept`` records.
    """
    staffing: dict[str, list[Staffing]] = {}
    for row in store.query(
        "SELECT concept, qualification, count FROM concept_staffing ORDER BY concept, qualification"
    ):
        staffing.setdefault(row["concept"], []).append(Staffing(row["qualification"], row["count"]))
    scope_units: dict[str, list[str]] = {}
    scope_packages: dict[str, list[str]] = {}
    for row in store.query("SELECT concept, unit, package FROM pilot_scope ORDER BY 1, 2, 3"):
        if row["unit"]:
            scope_units.setdefault(row["concept"], []).append(row["unit"])
        if row["package"]:
            scope_packages.setdefault(row["concept"], []).append(row["package"])
    rows = store.query(
        "SELECT c.code, c.name, c.level, rl.rank, c.pilot, c.subject_kinds FROM concept c"
        " JOIN resistance_level rl ON rl.code = c.level ORDER BY rl.rank, c.code"
    )
    return [
        Concept(
            code=r["code"],
            name=r["name"],
            level=r["level"],
            rank=r["rank"],
            pilot=bool(r["pilot"]),
            staffing=tuple(staffing.get(r["code"], [])),
            pilot_units=tuple(scope_units.get(r["code"], [])),
            pilot_packages=tuple(scope_packages.get(r["code"], [])),
            subject_kinds=tuple(r["subject_kinds"].split(",")),
        )
        for r in rows
    ]


def get_concept(store: Store, code: str) -> Concept:
    """One concept by its code.

    Args:
        code: the concept's code; surrounding spaces and case are ignored.

    Returns:
        The concept with its staffing and pilot scope.

    Raises:
        NotFound: no concept has that code (the message lists the known ones).
    """
    wanted = validate.identifier(code, "concept")
    concepts = list_concepts(store)
    for concept in concepts:
        if concept.code == wanted:
            return concept
    known = ", ".join(c.code for c in concepts)
    raise NotFound(code="unknown_concept", given=validate.shown(code), known=known)


def travel_minutes(store: Store, from_unit: str, to_unit: str) -> int:
    """Minutes an officer needs to travel between two units (either direction).

    Args:
        from_unit: one unit's code.
        to_unit: the other unit's code.

    Returns:
        Whole minutes: 0 within a unit, the catalogue's pair when it lists one, else its
        default (``travel_default_minutes``, 90 when the database has none).
    """
    if from_unit == to_unit:
        return 0
    row = store.one(
        "SELECT minutes FROM unit_travel WHERE from_unit = ? AND to_unit = ?",
        tuple(sorted((from_unit, to_unit))),
    )
    if row is not None:
        return int(row[0])
    return int(store.meta("travel_default_minutes") or DEFAULT_TRAVEL_MINUTES)


def list_qualifications(store: Store) -> list[Qualification]:
    """Every qualification, by code.

    Returns:
        The qualifications as ``Qualification`` records (with their ``typical`` mark).
    """
    rows = store.query("SELECT code, name, typical FROM qualification ORDER BY code")
    return [Qualification(r["code"], r["name"], bool(r["typical"])) for r in rows]


def list_reinforcements(store: Store) -> list[Reinforcement]:
    """The letter's capacity reinforcements, in the catalogue's order.

    Returns:
        The reinforcements as ``Reinforcement`` records, FTE exact (``Decimal``).
    """
    from decimal import Decimal

    rows = store.query(
        "SELECT funding_line, organisation, purpose, fte_tenths FROM reinforcement ORDER BY id"
    )
    return [
        Reinforcement(
            r["funding_line"], r["organisation"], r["purpose"], Decimal(r["fte_tenths"]) / 10
        )
        for r in rows
    ]


def reinforcement_totals(store: Store) -> dict[str, Decimal]:
    """Reinforcement FTE per organisation and overall, exact.

    Returns:
        FTE (``Decimal``, exact to a tenth) per organisation, by organisation name, and their sum
        under the key ``total``.
    """
    from decimal import Decimal

    totals: dict[str, Decimal] = {}
    for row in store.query(
        "SELECT organisation, sum(fte_tenths) AS t FROM reinforcement GROUP BY organisation"
        " ORDER BY organisation"
    ):
        totals[row["organisation"]] = Decimal(row["t"]) / 10
    totals["total"] = sum(totals.values(), Decimal(0))
    return totals
