"""Export and import of bundles: the entry points the commands and the console call.

``export`` (``export.py``) writes a signed, encrypted bundle. ``import_path`` imports one file, or
every other device's bundles in a sync folder, each file judged alone with its own receipt. An
import fails closed and writes nothing before the last check (``verify.py``: decrypt → parse →
roster signature → manifest signature → recipients → each segment's hash, origin signature and
chain), then applies the bundle in one transaction (``apply.py``), where every change is judged
by the rule table first (``session.py``, ``judge.py``): applied, deferred, or quarantined.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

from .. import machine
from ..db import Store, short_id
from ..errors import BadInput, MachineFault, StoreError
from ..handover import overlapping_handovers
from ..validate import visible
from . import apply, bundle, clashes, status, verify
from . import roster as rosters
from .bundle import Refused
from .export import (
    Exported,
    Progress,
    export,
    quiet,
    set_aside_unsendable,
    unsendable,
    version_vector,
)
from .notice import notice
from .receipt import Receipt, Result

__all__ = [
    "Exported",
    "Receipt",
    "Refused",
    "enroll",
    "export",
    "import_file",
    "import_path",
    "set_aside_unsendable",
    "unsendable",
    "version_vector",
]

#: What a refused file in a folder is reported as, by the check it failed.
FOLDER_RESULTS = {
    "not addressed": Result.NOT_ADDRESSED,
    "damaged": Result.DAMAGED,
    "left out": Result.LEFT_OUT,
}


def enroll(
    store: Store, request: rosters.Request, role: str | None, out: Path
) -> tuple[rosters.Roster, Exported]:
    """Enrol a device (``roster.enroll``) and write its welcome bundle to ``out``, in one
    transaction: when the welcome cannot be written (a full disk, a target that may not be
    written), the roster is not changed either, and a retry (with another role too) starts
    afresh. A welcome written but not committed is removed again.

    Args:
        request: the enrolment request, checked.
        role: the device's role (None: the one it asked for).
        out: the welcome bundle's file.

    Returns:
        The new roster and what was written.

    Raises:
        BadInput: as ``roster.enroll`` (not the admin device, an unknown role…) or ``export``
            (a bad target); nothing is written then.
        PermissionDenied: the actor may not manage the team.
        IntegrityFailure: the change log holds a record no Schildwacht wrote, or the changes
            to send are held in a form their laptops did not sign (``export``).
        MachineFault: the welcome could not be written, the database is busy or the disk is
            full.
    """
    written: Exported | None = None
    try:
        with store.write("team.welcome", str(request.data["device"])):
            roster = rosters.enroll(store, request, role)
            written = export(store, out=out, welcome=request.hash)
    except BaseException:
        if written is not None:
            written.path.unlink(missing_ok=True)
        raise
    return roster, written


def import_path(store: Store, path: Path, progress: Progress = quiet) -> list[Receipt]:
    """Import a bundle file, or every other device's bundles in a sync folder; one import at
    a time (a second one is refused at once, exit 6).

    Args:
        path: a bundle file or a sync folder.
        progress: called with (stage, done, total).

    Returns:
        One receipt per file.

    Raises:
        BadInput: no bundle at ``path``; a bundle file that cannot be read, or a folder that
            cannot be listed.
        Refused: a single bundle file failed a check (in a folder, a receipt says so instead).
        IntegrityFailure: as ``import_file`` (a welcome's roster not signed by the admin key,
            a clash the database would not settle: ``clashes.Unsettled``).
        MachineFault: another import is running (``another_import``), the database is
            read-only or busy, or the disk is full; nothing written.
    """
    with store.importing():
        return _import_path(store, path, progress)


def _import_path(store: Store, path: Path, progress: Progress) -> list[Receipt]:
    path = path.expanduser()
    if path.is_dir():
        return import_folder(store, path, progress)
    if not path.exists():
        raise BadInput(code="no_bundle", path=visible(str(path)))
    return [import_file(store, path, progress)]


def import_file(
    store: Store, path: Path, progress: Progress = quiet, *, follow: bool = True
) -> Receipt:
    """Import one bundle file; raise ``Refused`` naming the check it failed.

    Args:
        path: the bundle file.
        progress: called with (stage, done, total).
        follow: whether a symbolic link is followed.

    Returns:
        Its receipt.

    Raises:
        Refused: the check it failed; nothing written.
        BadInput: the file cannot be read (``bundle_unreadable``).
        IntegrityFailure: a welcome bundle's roster is malformed or not signed by its admin
            key; nothing written.
        MachineFault: the database is busy or the disk is full; nothing written.
    """
    progress("decrypting", 0, 1)
    data = bundle.read_file(path, follow=follow)
    plain = bundle.decrypt(data, rosters.identity(store).age_identity)
    del data  # the file read: only its decrypted form is needed from here
    progress("decrypting", 1, 1)
    try:
        checked = verify.verify(store, plain, path, progress)
    except Refused as refusal:
        status.note_refused(store, refusal)  # named by ``sync status`` until it is held
        raise
    del plain  # the segments are decoded into runs: the decrypted file is not kept
    if checked.receipt.result == Result.APPLIED:
        before = {o.ids for o in overlapping_handovers(store)}
        try:
            apply.apply(store, checked, progress)
        except clashes.Unsettled as exc:
            unsettled = _unsettled(checked, exc)
            status.note_refused(store, unsettled)  # named by ``sync status`` until it is held
            raise unsettled from exc
        checked.receipt.warnings.extend(
            notice(
                "handovers_overlap",
                ids=[short_id(store, "handover", i) for i in o.ids],
                signed_by=list(o.signed_by),
            )
            for o in overlapping_handovers(store)
            if o.ids not in before
        )
        if any(checked.receipt.applied.get(t) for t in clashes.CLASH_KEYS):
            _witness(store)
    return checked.receipt


def _witness(store: Store) -> None:
    """On the team's admin laptop, claim the names of the rows this import brought
    (``clashes.witness``), as its own signed change right after the import: the row it holds
    under a name now keeps it on every laptop, whatever stamp a later decoy carries."""
    if not clashes.unclaimed(store.conn, store.device_id):
        return
    detail: dict[str, object] = {}
    with store.write("sync.claim_names", None, detail) as conn:
        detail["claims"] = clashes.witness(conn, store.device_id, store.clock.now())


def import_folder(store: Store, folder: Path, progress: Progress = quiet) -> list[Receipt]:
    """Every other device's bundles in a sync folder, each judged alone: regular files only
    (never through a symbolic link, never a FIFO or a device), each with its own receipt. A
    bad file is reported and does not hold up the others.

    Args:
        folder: the sync folder.
        progress: called with (stage, done, total).

    Returns:
        One receipt per file, a refused one too.

    Raises:
        BadInput: the folder, or a device's folder in it, cannot be listed
            (``sync_folder_unreadable``).
        MachineFault: the database is busy or the disk is full: every other file would fail
            the same way, so the import stops.
        IntegrityFailure: ``database_damaged``: this database is damaged (``machine.is_damage``),
            so the import stops, as a single file's does.
    """
    receipts = []
    read: list[Path] = []  # the files this laptop could decrypt
    unreadable: list[tuple[int, Path]] = []  # written for it, by their names, yet unreadable
    remembered = _remembered(store)
    for path, problem in bundle_files(folder, store.device_id):
        if problem is not None:
            receipts.append(_refused(path, problem))
            continue
        mark = _mark(folder, path)
        if mark is not None and mark in remembered:
            receipts.append(_refused(path, _unchanged(remembered[mark])))
            continue  # refused for what it holds, and not changed since: never read again
        try:
            receipts.append(import_file(store, path, progress, follow=False))
            read.append(path)
        except Refused as refusal:
            if refusal.check == "not addressed" and _written_since_joining(store, path):
                refusal = _unreadable(store, path)
                if refusal.check == "damaged":
                    unreadable.append((len(receipts), path))
            elif refusal.check != "not addressed":
                read.append(path)
                if mark is not None and refusal.check in REMEMBERED_CHECKS:
                    _remember(store, mark, refusal)
            receipts.append(_refused(path, refusal))
        except BadInput as exc:
            why = verify.inner_refusal(exc)  # worded by its code
            receipts.append(_refused(path, Refused("file", code="bundle_file", **why)))
        except MachineFault:
            raise  # the disk or the database refused: every other file would fail the same way
        except StoreError as exc:
            if exc.code == "database_damaged":
                raise  # this database is damaged: every other file would fail the same way
            receipts.append(_refused(path, exc))
        except Exception as exc:  # one file never stops the rest of the folder
            fault = store.refusal_of(exc)  # damage or a fault of the machine, as every face
            if fault is not exc:
                raise fault from None
            receipts.append(_refused(path, _fault(exc)))
    left_out = _left_out(store, read, [path for _index, path in unreadable])
    if left_out is not None:
        for index, path in unreadable:
            receipts[index] = _refused(path, left_out)
    return receipts


#: The meta key of the folder files refused for what they hold (``_remember``): a JSON list of
#: [name in the folder, size, modification time (ns), check, code], the latest last.
REFUSED_FILES_KEY = "sync_refused_files"
#: At most this many refused files are remembered (the latest): one more pushes out the oldest.
MAX_REMEMBERED = 64
#: The refusals decided by a file's bytes alone (damaged, too large): the same file is refused
#: the same way at every import, so it is not read (nor decrypted) again while it is unchanged.
REMEMBERED_CHECKS = frozenset({"damaged", "size"})
Mark = tuple[str, int, int]


def _mark(folder: Path, path: Path) -> Mark | None:
    """A folder file's name in the folder, size and modification time (``lstat``: nothing is
    followed), or None when it cannot be read."""
    try:
        info = path.lstat()
    except OSError:
        return None
    return (path.relative_to(folder).as_posix(), info.st_size, info.st_mtime_ns)


def _remembered(store: Store) -> dict[Mark, tuple[str, str]]:
    """The refused files remembered: mark → (check, code)."""
    found: dict[Mark, tuple[str, str]] = {}
    try:
        entries = json.loads(store.meta(REFUSED_FILES_KEY) or "[]")
    except ValueError:
        return found
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, list) and len(entry) == 5:
            name, size, mtime, check, code = entry
            found[(str(name), int(size), int(mtime))] = (str(check), str(code))
    return found


def _remember(store: Store, mark: Mark, refusal: Refused) -> None:
    """Remember a file refused for what it holds (one audited write, after the import wrote
    nothing of it); a database that cannot be written remembers nothing."""
    if store.read_only is not None:
        return
    kept = [[*m, *why] for m, why in _remembered(store).items() if m[0] != mark[0]]
    kept = [*kept, [*mark, refusal.check, str(refusal.code)]][-MAX_REMEMBERED:]
    with store.write("sync.file_refused", None, {"file": mark[0], "code": refusal.code}) as conn:
        conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE"
            " SET value = excluded.value",
            (REFUSED_FILES_KEY, json.dumps(kept)),
        )


def _unchanged(why: tuple[str, str]) -> Refused:
    """The refusal of a remembered file, not read again: refused before, unchanged since."""
    return Refused(why[0], code="bundle_refused_unchanged", refused=why[1])


#: The meta key a laptop keeps when the team's bundles tell it it is not in the team's roster
#: (``_left_out``): the roster version it held then (a new enrolment request is allowed).
LEFT_OUT_KEY = rosters.LEFT_OUT_KEY


def _left_out(store: Store, read: list[Path], unreadable: list[Path]) -> Refused | None:
    """When no member's newest file written with this laptop's roster version (or a newer
    one) could be read here and at least two such files could not, the team keeps a roster that
    does not list this laptop (the admin laptop signed two of one version, and the team keeps
    the other; ``roster.preferred``): the refusal that says so, noted (``LEFT_OUT_KEY``) so
    that this laptop may ask to be enrolled again. One unreadable file among readable ones is
    damage; so is a single one."""
    team = rosters.current(store)
    if team is None or len(unreadable) < 2:
        return None
    newest: dict[str, Path] = {}  # per sender, its newest file of this roster version or later
    for path in [*read, *unreadable]:
        match = _NAME.match(path.name)
        if match and match.group(2) and int(match.group(2)) >= team.version:
            held = newest.get(path.parent.name)
            if held is None or path.name > held.name:
                newest[path.parent.name] = path
    if any(path in read for path in newest.values()):
        return None
    if store.meta(LEFT_OUT_KEY) != str(team.version):  # else noted at an earlier import
        _note_left_out(store, team.version)
    return Refused("left out", code="bundle_left_out", version=team.version)


def bundle_files(folder: Path, own: str) -> list[tuple[Path, Refused | None]]:
    """``folder/<device>/*.swb`` for every other device, by name, and the ``*.swb`` files lying
    in ``folder`` itself (copied there flat, out of their device folders: rev14h); entries that
    are not a real folder or a regular file come with the refusal that reports them (nothing
    is followed).

    Args:
        folder: the sync folder.
        own: this device's id (its folder is skipped).

    Returns:
        ``(path, refusal)`` per bundle file, sorted by device folder then file name: ``refusal``
        None for a regular file to read, else the ``Refused`` (a symbolic link, a folder or device
        where a bundle should be) that reports it unread.

    Raises:
        BadInput: ``sync_folder_unreadable``: the folder or a device's folder in it cannot be
            listed.
    """
    found: list[tuple[Path, Refused | None]] = []
    for sub in _entries(folder):
        if sub.name == own or sub.name.startswith("."):
            continue
        if sub.is_symlink():
            found.append((Path(sub.path), Refused("file", code="bundle_link")))
        elif sub.is_dir(follow_symlinks=False):
            found += [_bundle_file(entry) for entry in _entries(Path(sub.path)) if _named(entry)]
        elif _named(sub):  # a bundle copied flat into the folder: signed, judged as any other
            found.append(_bundle_file(sub))
    return found


def _named(entry: os.DirEntry[str]) -> bool:
    """Whether a folder's entry is named as a bundle (``*.swb``, not hidden)."""
    return not entry.name.startswith(".") and entry.name.endswith(bundle.SUFFIX)


def _bundle_file(entry: os.DirEntry[str]) -> tuple[Path, Refused | None]:
    """A bundle's entry in a folder, with the refusal that reports it when it is no regular
    file (a folder, a FIFO, a device: never followed nor read)."""
    mode = entry.stat(follow_symlinks=False).st_mode
    if stat.S_ISREG(mode):
        return Path(entry.path), None
    kind = machine.file_kind(mode)
    return Path(entry.path), Refused("file", code="bundle_not_regular_in_folder", kind=kind)


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as listing:
            return sorted(listing, key=lambda e: e.name)
    except OSError as exc:
        raise BadInput(
            code="sync_folder_unreadable", path=visible(str(folder)), cause=exc.strerror
        ) from None


#: A folder file's name: when it was written, with which roster (since this version), its id.
_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{6}Z)-(?:r(\d{1,9})-)?[^/]+\.swb\Z")


def _written_since_joining(store: Store, path: Path) -> bool:
    """Whether a file this laptop cannot decrypt says, by its folder and name, that a member of
    this team wrote it after this laptop joined: with a roster that lists it (the name's roster
    version), or, for a name without one, at or after its enrolment (a sender that had not
    heard of it yet names an older roster, so it is not taken for damage)."""
    match = _NAME.match(path.name)
    team = rosters.current(store)
    if match is None or team is None or team.device(path.parent.name) is None:
        return False  # a name of no Schildwacht, or a folder of a device of another team
    stamp, version = match.groups()
    if version is not None:
        joined = store.one(
            "SELECT min(version) FROM sync_roster WHERE instr(CAST(body AS TEXT), ?) > 0",
            (f'"{store.device_id}"',),
        )
        return joined is not None and joined[0] is not None and int(version) >= int(joined[0])
    entry = team.device(store.device_id)
    enrolled = str(entry.get("enrolled_at") or "") if entry else ""
    return bool(enrolled) and stamp >= enrolled.replace(":", "")


def _unreadable(store: Store, path: Path) -> Refused:
    """Why a team member's file this laptop should read cannot be read: written with a newer
    roster than this laptop holds, it most likely left this laptop out (a revocation, which a
    revoked laptop can never read); else it was damaged on the way."""
    match = _NAME.match(path.name)
    team = rosters.current(store)
    if match and match.group(2) and team is not None and int(match.group(2)) > team.version:
        return Refused(
            "revoked",
            code="bundle_from_newer_roster",
            version=int(match.group(2)),
            mine=team.version,
        )
    return Refused("damaged", code="bundle_damaged_since_joined")


def _note_left_out(store: Store, version: int) -> None:
    with store.write("sync.left_out", store.device_id, {"version": version}) as conn:
        conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE"
            " SET value = excluded.value",
            (LEFT_OUT_KEY, str(version)),
        )


def _unsettled(checked: verify.Verified, exc: clashes.Unsettled) -> Refused:
    """The refusal of a bundle whose clash of names the database would not settle: nothing of
    it was applied; its last segment is named (``sync status``) until it is held."""
    refusal = Refused(
        "clash", code="bundle_clash_unsettled", table=exc.params["table"], error=exc.params["error"]
    )
    if checked.segments:
        header = checked.segments[-1].header
        refusal.segment = {
            "device": str(header["origin"]),
            "number": int(header["number"]),
            "first": int(header["first_seq"]),
            "last": int(header["last_seq"]),
        }
    return refusal


def _fault(exc: Exception) -> Refused:
    """A file whose import failed in a way no check names (a fault of this version): refused
    on its own (nothing of it was applied), so the folder's other files are still read."""
    return Refused("fault", code="bundle_import_fault", error=type(exc).__name__)


def _refused(path: Path, refusal: StoreError) -> Receipt:
    check = getattr(refusal, "check", "file")
    return Receipt(
        "",
        path.parent.name,  # as it is: each face escapes it (JSON exact, issue 14)
        FOLDER_RESULTS.get(check, Result.REFUSED),
        file=str(path),
        check=check,
        warnings=[notice("refused", error=refusal.code, facts=dict(refusal.params))],
    )
