"""Numbers read from text files, every error naming its file and line
(`twin.errors.InstanceError` with one ``"file:line: message"`` entry).

Files are read whole, only when they are regular files within
`twin.mine.limits.MAX_FILE_BYTES`. Numbers are converted in bulk
(``numpy.fromstring``); only the lines of a rejected section are re-read one by one, to
name the offending line.
"""

from __future__ import annotations

import os
import stat
import warnings
from pathlib import Path

import numpy as np

from twin.errors import InstanceError
from twin.mine.limits import MAX_FILE_BYTES


def line_error(path: Path, line: int, message: str) -> InstanceError:
    """The error for `message` at `path`:`line` (1-based), to raise."""
    return InstanceError([f"{path}:{line}: {message}"], source=str(path))


def short(token: str) -> str:
    """`token` quoted for a message, cut to 40 characters."""
    return repr(token) if len(token) <= 40 else repr(token[:37]) + "..."


def file_error(path: Path, message: str) -> InstanceError:
    """The error for `message` about the whole file `path`, to raise."""
    return InstanceError([f"{path}: {message}"], source=str(path))


def read_bytes(path: Path) -> bytes:
    """The bytes of `path`, a regular file of at most `MAX_FILE_BYTES` (checked on the
    open file, which is never read past the limit: a FIFO, a device such as /dev/zero
    or a file growing while read is refused, not waited for)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise file_error(path, f"cannot read ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise file_error(path, "not a regular file")
        if info.st_size > MAX_FILE_BYTES:
            raise file_error(
                path, f"{info.st_size:,} bytes, over the limit of {MAX_FILE_BYTES:,} bytes"
            )
        try:
            raw = handle.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise file_error(path, f"cannot read ({exc.strerror})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise file_error(path, f"over the limit of {MAX_FILE_BYTES:,} bytes")
    return raw


def read_lines(path: Path) -> list[str]:
    """The file's lines (CR, LF and CRLF endings), colons turned into spaces."""
    text = read_bytes(path).decode("latin-1").replace("\r\n", "\n").replace("\r", "\n")
    return text.replace(":", " ").split("\n")


def content_lines(path: Path) -> tuple[list[str], np.ndarray]:
    """The file's lines that are neither blank nor a ``%`` comment, with their 1-based
    line numbers."""
    lines = read_lines(path)
    keep = [i for i, s in enumerate(lines) if s.strip() and s.lstrip()[0] != "%"]
    return [lines[i] for i in keep], np.array(keep, dtype=np.int64) + 1


def is_data_line(line: str) -> bool:
    """A data line starts with a number; blank and `%` comment lines are not data."""
    s = line.lstrip()
    return bool(s) and (s[0].isdigit() or s[0] in "+-.")


def parse_numbers(text: str, dtype: type, count: int) -> np.ndarray | None:
    """`count` numbers read from `text` by NumPy's parser, or None if it holds others."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            out: np.ndarray = np.fromstring(text, dtype=dtype, sep=" ")
    except (ValueError, DeprecationWarning):
        return None
    return out if len(out) == count else None


def numbers(
    lines: list[str], linenos: np.ndarray, as_int: bool, path: Path, expect: int
) -> np.ndarray:
    """Every token of `lines` as one int64 or float64 array of `expect` entries."""
    dtype = np.int64 if as_int else np.float64
    if expect == 0:
        return np.zeros(0, dtype=dtype)
    out = parse_numbers(" ".join(lines), dtype, expect)
    if out is None:
        kind = "an integer" if as_int else "a number"
        for line, no in zip(lines, linenos, strict=True):
            bad = [t for t in line.split() if parse_numbers(t, dtype, 1) is None]
            if bad:
                raise line_error(path, int(no), f"{short(bad[0])} is not {kind}")
        raise line_error(path, int(linenos[0]), f"expected {expect} numbers")
    if not as_int and not np.isfinite(out).all():
        k = int(np.flatnonzero(~np.isfinite(out))[0])
        counts = np.cumsum([len(s.split()) for s in lines])
        row = int(np.searchsorted(counts, k, side="right"))
        token = lines[row].split()[k - (int(counts[row - 1]) if row else 0)]
        raise line_error(path, int(linenos[row]), f"{short(token)} is not a finite number")
    return out


def check_range(
    values: np.ndarray, linenos: np.ndarray, path: Path, what: str, lo: float, hi: float
) -> None:
    """Raise at the first line (row of `values`, one row per line) holding a value
    outside [lo, hi]."""
    if not len(linenos):
        return
    rows = values.reshape(len(linenos), -1)
    bad = np.flatnonzero(((rows < lo) | (rows > hi)).any(axis=1))
    if len(bad):
        row = rows[bad[0]]
        value = row[(row < lo) | (row > hi)][0]
        raise line_error(
            path, int(linenos[bad[0]]), f"{what} {value:g} is outside [{lo:g}, {hi:g}]"
        )


def numeric_table(
    lines: list[str], linenos: np.ndarray, ncols: int, path: Path, what: str, int_cols: int
) -> np.ndarray:
    """A section of `ncols` numbers per line as a float array (rows, ncols); the first
    `int_cols` columns must hold integers (exact in a float: within ±2**53)."""
    counts = np.fromiter((len(s.split()) for s in lines), dtype=np.int64, count=len(lines))
    bad = np.flatnonzero(counts != ncols)
    if len(bad):
        i = int(bad[0])
        raise line_error(
            path, int(linenos[i]), f"{what} line has {counts[i]} fields, expected {ncols}"
        )
    out = numbers(lines, linenos, False, path, ncols * len(lines)).reshape(-1, ncols)
    ints = out[:, :int_cols]
    frac = np.flatnonzero((ints != np.floor(ints)).any(axis=1))
    if len(frac):
        raise line_error(path, int(linenos[frac[0]]), f"{what} index is not an integer")
    check_range(ints, linenos, path, f"{what} index", -(2.0**53), 2.0**53)
    return out


def check_index(values: np.ndarray, size: int, linenos: np.ndarray, path: Path, what: str) -> None:
    """Raise at the first line whose index is outside 0..size-1."""
    bad = np.flatnonzero((values < 0) | (values >= size))
    if len(bad):
        i = int(bad[0])
        raise line_error(path, int(linenos[i]), f"{what} {values[i]:.0f} outside 0..{size - 1}")


def check_unique(keys: np.ndarray, linenos: np.ndarray, path: Path, what: str) -> None:
    """Raise at the second line holding a key already seen."""
    _, first = np.unique(keys, return_index=True)
    if len(first) != len(keys):
        seen = np.zeros(len(keys), dtype=bool)
        seen[first] = True
        i = int(np.flatnonzero(~seen)[0])
        raise line_error(path, int(linenos[i]), f"{what} listed twice")
