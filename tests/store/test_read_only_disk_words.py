"""A file written onto a read-only file system (a backup, an ``-o`` output) names the disk as
the cause, as the database's refusal does (issue 14, rev14g): it said "This user may not write
… Check the owner and mode of the file and its folder", the wrong cause and advice. (The
command line's run on a real read-only mount needs root: /tmp/p12/rev14g/f7_erofs_advice.sh.)"""

from __future__ import annotations

import errno

from store.machine import os_fault
from words.errors import sentence


def test_a_read_only_disk_is_named_as_the_cause() -> None:
    fault = os_fault(
        OSError(errno.EROFS, "Read-only file system"), "/mnt/ro/kopie.db", "write the backup"
    )
    assert fault.code == "file_disk_read_only"
    assert sentence(fault) == (
        "Cannot write the backup '/mnt/ro/kopie.db': its disk is read-only (mounted "
        "read-only); nothing was written. Choose a folder on a writable disk."
    )


def test_a_permission_is_still_the_owner_and_mode() -> None:
    fault = os_fault(OSError(errno.EACCES, "Permission denied"), "/x/y.csv", "write the output to")
    assert fault.code == "file_not_permitted" and "owner and mode" in sentence(fault)
