"""Export and import of bundles: the entry points the commands and the console call.

``export`` (``export.py``) writes a signed, encrypted bundle. ``import_path`` imports one file, or
every other device's bundles in a sync folder, each file judged alone with its own receipt. An
import fails closed and writes nothing before the last check (``verify.py``: decrypt → parse →
roster signature → manifest signature → recipients → each segment's hash, origin signature and
chain), then applies the bundle in one transaction (``apply.py``), where every change is judged
by the rule table first (``session.py``, ``judge.py``): applied, deferred, or quarantined.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..db import Store
from ..errors import BadInput, MachineFault, StoreError
from ..validate import visible
from . import apply, bundle, verify
from . import roster as rosters
from .bundle import Refused
from .export import Exported, Progress, export, quiet, version_vector
from .receipt import Receipt

__all__ = [
    "Exported",
    "Receipt",
    "Refused",
    "export",
    "import_file",
    "import_path",
    "version_vector",
]

#: What a refused file in a folder is reported as, by the check it failed.
FOLDER_RESULTS = {"not addressed": "not addressed to this device", "damaged": "damaged"}


def import_path(store: Store, path: Path, progress: Progress = quiet) -> list[Receipt]:
    """Import a bundle file, or every other device's bundles in a sync folder; one import at
    a time (a second one is refused at once, exit 6)."""
    with store.importing():
        return _import_path(store, path, progress)


def _import_path(store: Store, path: Path, progress: Progress) -> list[Receipt]:
    path = path.expanduser()
    if path.is_dir():
        return import_folder(store, path, progress)
    if not path.exists():
        raise BadInput(f"There is no bundle at {visible(str(path))}.")
    return [import_file(store, path, progress)]


def import_file(
    store: Store, path: Path, progress: Progress = quiet, *, follow: bool = True
) -> Receipt:
    """Import one bundle file; raise ``Refused`` naming the check it failed."""
    progress("decrypting", 0, 1)
    data = bundle.read_file(path, follow=follow)
    plain = bundle.decrypt(data, rosters.identity(store).age_identity)
    progress("decrypting", 1, 1)
    checked = verify.verify(store, plain, path, progress)
    if checked.receipt.result == "applied":
        apply.apply(store, checked, progress)
    return checked.receipt


def import_folder(store: Store, folder: Path, progress: Progress = quiet) -> list[Receipt]:
    """Every other device's bundles in a sync folder, each judged alone: regular files only
    (never through a symbolic link, never a FIFO or a device), each with its own receipt. A
    bad file is reported and does not hold up the others."""
    receipts = []
    for path, problem in bundle_files(folder, store.device_id):
        if problem is not None:
            receipts.append(_refused(path, problem))
            continue
        try:
            receipts.append(import_file(store, path, progress, follow=False))
        except Refused as refusal:
            receipts.append(_refused(path, refusal))
        except BadInput as exc:
            receipts.append(_refused(path, Refused("file", str(exc))))
        except MachineFault:
            raise  # the disk or the database refused: every other file would fail the same way
        except StoreError as exc:
            receipts.append(_refused(path, exc))
        except Exception as exc:  # one file never stops the rest of the folder
            receipts.append(_refused(path, _fault(exc)))
    return receipts


def bundle_files(folder: Path, own: str) -> list[tuple[Path, Refused | None]]:
    """``folder/<device>/*.swb`` for every other device, by name; entries that are not a real
    folder or a regular file come with the refusal that reports them (nothing is followed)."""
    found: list[tuple[Path, Refused | None]] = []
    for sub in _entries(folder):
        if sub.name == own or sub.name.startswith("."):
            continue
        if not sub.is_dir(follow_symlinks=False):
            if sub.is_symlink():
                found.append((Path(sub.path), Refused("file", "it is a symbolic link.")))
            continue
        for entry in _entries(Path(sub.path)):
            if entry.name.startswith(".") or not entry.name.endswith(bundle.SUFFIX):
                continue
            mode = entry.stat(follow_symlinks=False).st_mode
            problem = (
                None
                if stat.S_ISREG(mode)
                else Refused(
                    "file",
                    "it is not a regular file (a link, a FIFO or a device); it was not read.",
                )
            )
            found.append((Path(entry.path), problem))
    return found


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as listing:
            return sorted(listing, key=lambda e: e.name)
    except OSError as exc:
        raise BadInput(f"Cannot read the folder {visible(str(folder))}: {exc.strerror}.") from None


def _fault(exc: Exception) -> Refused:
    """A file whose import failed in a way no check names (a fault of this version): refused
    on its own (nothing of it was applied), so the folder's other files are still read."""
    return Refused(
        "fault",
        f"importing it failed unexpectedly ({type(exc).__name__}); nothing of it was applied. "
        "Report it (`schildwacht --debug sync import FILE` shows the details).",
    )


def _refused(path: Path, refusal: StoreError) -> Receipt:
    check = getattr(refusal, "check", "file")
    return Receipt(
        "",
        visible(path.parent.name),
        FOLDER_RESULTS.get(check, "refused"),
        file=str(path),
        check=check,
        warnings=[str(refusal)],
    )
