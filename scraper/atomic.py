"""Writing a file so that a failed run never damages what was there: a temporary file beside the target,
renamed over it only once complete (``os.replace`` is atomic on one file system). The new file gets the
permissions of the one it replaces, or those ``open`` would give (not ``mkstemp``'s private 0600).
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path
from typing import IO, Iterator

from commentscope.scraper.errors import InputError


def _new_file_mode(target: Path) -> int:
    """The permissions the output should have: those of the file it replaces, else what ``open``
    would give (0666 less the umask); ``mkstemp`` alone would leave every output private (0600)."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


@contextlib.contextmanager
def atomic_open(path: str | Path, mode: str = "w") -> Iterator[IO]:
    """Open a temporary file beside ``path``; rename it over ``path`` only if the block succeeds.

    An output that cannot be written (its folder is missing or read-only, ``path`` is a folder, the
    disk is full) raises InputError; the temporary file is removed and the old ``path`` is untouched.
    """
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise InputError("the output's folder does not exist", str(directory), "create it first or choose another -o")
    if target.is_dir():
        raise InputError("is a folder, not a file name", str(target), "give the file to write, such as OUT.jsonl")
    try:
        handle_fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise InputError(f"cannot write in this folder ({error.strerror})", str(directory),
                         "check its permissions or choose another -o") from None
    try:
        os.chmod(temp_name, _new_file_mode(target))
        encoding = None if "b" in mode else "utf-8"
        newline = None if "b" in mode else "\n"
        with os.fdopen(handle_fd, mode, encoding=encoding, newline=newline) as handle:
            yield handle
        os.replace(temp_name, target)
    except BaseException as error:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        if isinstance(error, OSError) and not isinstance(error, BrokenPipeError):
            raise InputError(f"could not be written ({error.strerror or error})", str(target),
                             "check free space and permissions; any earlier file there is unchanged") from None
        raise


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    with atomic_open(path, "wb") as handle:
        handle.write(data)
