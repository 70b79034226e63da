"""Result folders: written whole beside their place, then moved in under a lock.

``coopsim run --out DIR``, ``coopsim calibrate --out DIR`` and ``coopsim analyze`` (its
``analysis/<outcome>-<year>`` folder) write their files through a
:class:`ResultFolder`:

1. before any work: the lock ``.DIR.lock`` beside ``DIR`` is taken (a second command
   writing to ``DIR`` is refused); ``DIR`` must be new, empty or an earlier result of
   the same command (a folder holding anything else is refused, so nothing of the
   user's is lost); the staging folder ``.DIR.<pid>.partial`` is made beside it, which
   proves the place writable;
2. the files are written into the staging folder, then ``run.json`` listing every file
   with its size and SHA-256, and everything is flushed to disk;
3. the staging folder takes ``DIR``'s place in one step (on Linux an atomic exchange
   with the old folder, else two renames), and the old result is deleted.

The previous result stays as it was until the new one is complete. A command killed
at any moment leaves the previous complete result or the new complete one, never a
mix; what a killed command leaves beside ``DIR`` is tidied by the next one.

The module also holds the file-level pieces the experiments' store shares: a lock
that refuses a second holder (:func:`exclusive`) and a file written atomically
(:func:`atomic_write`).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import fnmatch
import hashlib
import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, Self

LISTING = "run.json"
"""The file of a result folder that lists every other one with its checksum."""

PARTIAL = ".partial"
"""Suffix of what is being written (a staging folder, a temporary file)."""

PAUSE = "COOPSIM_TEST_PAUSE"
"""For tests that kill a command while it writes: the step at which to wait.

When this environment variable names a step (``write:<file>``, ``listing``, ``swap``,
``tidy``), the command prints ``paused at <step>`` to stderr and sleeps for a minute
there, so that a test can kill it at a known moment.
"""

SYSTEM_FILES = (".DS_Store", "Thumbs.db", "desktop.ini")
"""Files a file browser leaves in a folder: not the user's work, replaced with it."""


class ResultError(OSError):
    """A result folder that cannot be written, with a one-line reason naming it."""


def cannot_write(out: Path, exc: OSError) -> str:
    """Why ``out`` cannot be written, in one line: the file in the way, or the system's words."""
    blocker = next((p for p in (out, *out.parents) if p.exists() and not p.is_dir()), None)
    reason = f"{blocker} is a file, not a folder" if blocker else (exc.strerror or str(exc))
    return f"{out}: cannot write here ({reason})"


# --- file-level pieces --------------------------------------------------------------------------


@contextlib.contextmanager
def exclusive(lock: Path, busy: str) -> Iterator[None]:
    """Hold ``lock`` (a POSIX file lock) for the block; a second holder gets ``busy``.

    Raises:
        ResultError: ``busy`` when another process holds the lock, or why the lock
            file cannot be made.
    """
    try:
        handle = open(lock, "a")  # noqa: SIM115 - held open for the whole block
    except OSError as exc:
        raise ResultError(cannot_write(lock.parent, exc)) from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ResultError(busy) from None
        yield


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write`` on a temporary file next to ``path``, then move it into place."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}{PARTIAL}")
    try:
        write(tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def checksum(path: Path) -> str:
    """The SHA-256 of a file, in hex."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def pause_at(step: str) -> None:
    """Wait at ``step`` when the :data:`PAUSE` environment variable names it (tests)."""
    if os.environ.get(PAUSE) == step:
        print(f"paused at {step}", file=sys.stderr, flush=True)
        time.sleep(60)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2`` with ``RENAME_EXCHANGE``).

    Returns:
        False when the system or the file system cannot (the caller then renames twice).
    """
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    at_cwd, rename_exchange = -100, 2
    if renameat2(at_cwd, os.fsencode(a), at_cwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EPERM):
        return False
    raise OSError(code, os.strerror(code), str(b))


# --- the result folder --------------------------------------------------------------------------


class ResultFolder:
    """A command's result folder, written as the module docstring says.

    Use it as a context manager around the whole command (it checks when entered),
    :meth:`write` each file, then :meth:`commit`. Leaving the block without a commit
    (an error, an interruption) removes the staging folder and leaves ``DIR`` as it was.

    Args:
        out: the folder the results go to (``DIR``).
        known: glob patterns of the files an earlier result of this command holds
            (besides ``run.json``); ``DIR`` may be replaced only when it holds nothing else.
        what: the command's results in words, for messages (``"a run"``).
    """

    def __init__(self, out: Path, known: Iterable[str], what: str = "a run") -> None:
        self.out = Path(out)
        self.known = (*known, LISTING, *SYSTEM_FILES)
        self.what = what
        self.files: list[str] = []
        self._stack = contextlib.ExitStack()
        self._place = place_of(self.out)
        self.staging = self._place.parent / f".{self._place.name}.{os.getpid()}{PARTIAL}"

    def __enter__(self) -> Self:
        place = self._place
        try:
            place.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ResultError(cannot_write(self.out, exc)) from None
        with self._stack:
            self._stack.enter_context(
                exclusive(
                    place.parent / f".{place.name}.lock",
                    f"{self.out}: another coopsim command is writing to this folder",
                )
            )
            self._tidy()
            self._check_replaceable()
            try:
                self.staging.mkdir()
            except OSError as exc:
                raise ResultError(cannot_write(self.out, exc)) from None
            self._stack.callback(shutil.rmtree, self.staging, ignore_errors=True)
            self._stack = self._stack.pop_all()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def write(self, name: str, write: Callable[[Path], None]) -> Path:
        """Write one file of the result (``write`` is called with its path in staging)."""
        pause_at(f"write:{name}")
        path = self.staging / name
        try:
            write(path)
        except OSError as exc:
            raise ResultError(
                f"{self.out}: cannot write {name} ({exc.strerror or exc}); "
                "the previous result is untouched"
            ) from None
        self.files.append(name)
        return self.out / name

    def commit(self, meta: dict[str, Any]) -> list[Path]:
        """List the files in ``run.json`` (with ``meta``), flush, and move the folder in.

        Returns:
            The files of the result, ``run.json`` last, as paths under ``DIR``.
        """
        try:
            listing = {
                name: {
                    "bytes": (self.staging / name).stat().st_size,
                    "sha256": checksum(self.staging / name),
                }
                for name in self.files
            }
            pause_at("listing")
            text = json.dumps({**meta, "files": listing}, indent=2, ensure_ascii=False) + "\n"
            (self.staging / LISTING).write_text(text, encoding="utf-8")
            for name in (*self.files, LISTING):
                _fsync(self.staging / name)
            _fsync(self.staging)
            pause_at("swap")
            old = self._swap()
            _fsync(self._place.parent)
        except OSError as exc:
            raise ResultError(
                f"{self.out}: cannot write the results ({exc.strerror or exc}); "
                "the previous result is untouched"
            ) from None
        pause_at("tidy")
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return [self.out / name for name in (*self.files, LISTING)]

    # --- inside -------------------------------------------------------------------------------

    def _leftovers(self, suffix: str) -> list[Path]:
        return sorted(self._place.parent.glob(f".{self._place.name}.*{suffix}"))

    def _tidy(self) -> None:
        """Clean up after a command killed while writing to ``DIR`` (we hold the lock)."""
        old = self._leftovers(".old")
        if old and not self._place.exists():
            old[0].rename(self._place)  # killed between the two renames: the old result
        for path in (*self._leftovers(PARTIAL), *self._leftovers(".old")):
            shutil.rmtree(path, ignore_errors=True)

    def _check_replaceable(self) -> None:
        place = self._place
        if not place.exists():
            return
        if not place.is_dir():
            raise ResultError(f"{self.out}: exists and is not a folder")
        for path in sorted(place.iterdir()):
            ours = any(fnmatch.fnmatchcase(path.name, p) for p in self.known) or (
                path.name.startswith(".") and path.name.endswith(PARTIAL)
            )
            if not ours or path.is_dir():
                raise ResultError(
                    f"{self.out}: holds {path.name}, which is not part of {self.what}; "
                    "choose a new or empty folder (nothing was changed)"
                )
        if not os.access(place, os.W_OK | os.X_OK):
            raise ResultError(f"{self.out}: cannot replace this folder (permission denied)")

    def _swap(self) -> Path | None:
        """Put the staging folder in ``DIR``'s place; returns where the old one went."""
        place = self._place
        if not place.exists():
            self.staging.rename(place)
            return None
        if _exchange(self.staging, place):
            return self.staging
        old = place.parent / f".{place.name}.{os.getpid()}.old"
        place.rename(old)
        self.staging.rename(place)
        return old


def place_of(out: Path) -> Path:
    """The folder ``out`` stands for, symbolic links resolved.

    Raises:
        ResultError: an empty path, the current folder or one that holds it (they
            cannot be replaced while in use), or the root.
    """
    place = out.resolve()
    here = Path.cwd().resolve()
    if str(out) in ("", ".") or place == here or place in here.parents or place.parent == place:
        raise ResultError(
            f"--out {str(out)!r}: give a folder for the results (an empty path, the current "
            "folder or one that holds it cannot be replaced)"
        )
    return place


def read_listing(folder: Path) -> dict[str, Any]:
    """The ``run.json`` of a result folder, its listed files checked against their checksums.

    Raises:
        ResultError: no or unreadable ``run.json``, a listed file missing or changed.
    """
    path = folder / LISTING
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ResultError(
            f"{folder}: no {LISTING} here; is this a folder of coopsim results?"
        ) from None
    except (OSError, ValueError) as exc:
        raise ResultError(f"{path}: cannot be read ({exc.__class__.__name__})") from None
    if not isinstance(meta, dict):
        raise ResultError(f"{path}: not a coopsim {LISTING}")
    for name, entry in (meta.get("files") or {}).items():
        file = folder / name
        if not file.is_file():
            raise ResultError(f"{folder}: {name} is listed in {LISTING} but missing")
        if not isinstance(entry, dict) or checksum(file) != entry.get("sha256"):
            raise ResultError(f"{folder}: {name} has changed since it was written ({LISTING})")
    return meta
