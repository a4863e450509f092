"""Files in and out without trusting them: inputs are regular files within a size limit
checked before reading, UTF-8 text, and errors name the file but never echo its content;
an output folder is checked before any work is done."""

from __future__ import annotations

import stat
import tempfile
from pathlib import Path

from twin.errors import InstanceError, OptionError


def read_text(path: Path, limit_bytes: int, what: str) -> str:
    """The UTF-8 text of `path`, a regular file of at most `limit_bytes`; InstanceError
    (its one problem naming the file and `what` it is) otherwise."""
    try:
        info = path.stat()
    except OSError as exc:
        raise InstanceError([f"{path}: cannot read {what}: {exc.strerror}"], what) from None
    if not stat.S_ISREG(info.st_mode):
        raise InstanceError([f"{path}: {what} must be a regular file"], what)
    if info.st_size > limit_bytes:
        raise InstanceError(
            [f"{path}: {what} is {info.st_size:,} bytes, above the limit of {limit_bytes:,}"],
            what,
        )
    try:
        with path.open("rb") as handle:
            raw = handle.read(limit_bytes + 1)
    except OSError as exc:
        raise InstanceError([f"{path}: cannot read {what}: {exc.strerror}"], what) from None
    if len(raw) > limit_bytes:  # grew while being read
        raise InstanceError([f"{path}: {what} is above the limit of {limit_bytes:,} bytes"])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InstanceError(
            [f"{path}: {what} is not UTF-8 text (byte {exc.start} cannot be decoded)"], what
        ) from None


def prepare_folder(folder: Path, option: str = "--out") -> Path:
    """Make `folder` (and its parents) ready to write into, before any work is done;
    OptionError naming `option` when it is a file or cannot be written."""
    if folder.exists() and not folder.is_dir():
        raise OptionError(f"{option} {folder}: exists and is not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise OptionError(f"{option} {folder}: cannot write there ({exc.strerror})") from None
    return folder


def prepare_file(path: Path, option: str) -> Path:
    """Make the folder of output file `path` ready (see prepare_folder) before any work
    is done; OptionError naming `option` when `path` is a folder."""
    if path.is_dir():
        raise OptionError(f"{option} {path}: is a folder, not a file")
    prepare_folder(path.parent if str(path.parent) else Path("."), option)
    return path
