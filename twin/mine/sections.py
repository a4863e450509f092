"""The layout of MineLib's optimization files (``.upit``, ``.cpit``, ``.pcpsp``): header
keywords with one value each, then sections of data lines, each running until the next
keyword (format specification v1.0, July 2012; see `twin.mine.minelib`). This module
splits a file into those parts and checks the header; the sections' numbers are read by
`twin.mine.minelib`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from twin.mine.limits import MAX_BLOCKS
from twin.mine.text import is_data_line, line_error, read_lines, short

#: Header keywords (underscored form; spaces in their place are accepted too).
HEADER_KEYWORDS = (
    "NAME",
    "TYPE",
    "NBLOCKS",
    "NPERIODS",
    "NDESTINATIONS",
    "NRESOURCE_SIDE_CONSTRAINTS",
    "NGENERAL_SIDE_CONSTRAINTS",
    "DISCOUNT_RATE",
)
#: Section keywords; a section runs until the next keyword.
SECTION_KEYWORDS = (
    "OBJECTIVE_FUNCTION",
    "RESOURCE_CONSTRAINT_LIMITS",
    "RESOURCE_CONSTRAINT_COEFFICIENTS",
    "GENERAL_CONSTRAINT_COEFFICIENTS",
    "GENERAL_CONSTRAINT_LIMITS",
)
_ALL_KEYWORDS = frozenset(HEADER_KEYWORDS + SECTION_KEYWORDS + ("EOF",))

#: Header keywords each problem type requires.
_REQUIRED = {
    "UPIT": ("NAME", "NBLOCKS"),
    "CPIT": ("NAME", "NBLOCKS", "NPERIODS", "NRESOURCE_SIDE_CONSTRAINTS", "DISCOUNT_RATE"),
    "PCPSP": tuple(key for key in HEADER_KEYWORDS if key != "TYPE"),
}
#: Sections each problem type may hold.
_ALLOWED_SECTIONS = {
    "UPIT": ("OBJECTIVE_FUNCTION",),
    "CPIT": (
        "OBJECTIVE_FUNCTION",
        "RESOURCE_CONSTRAINT_LIMITS",
        "RESOURCE_CONSTRAINT_COEFFICIENTS",
    ),
    "PCPSP": SECTION_KEYWORDS,
}


@dataclass
class Parsed:
    """Header values (with their line numbers) and section data lines of one file."""

    header: dict[str, tuple[str, int]]
    sections: dict[str, tuple[int, list[str], np.ndarray]]
    last_line: int


def keyword(tokens: list[str]) -> tuple[str, int] | None:
    """(keyword, tokens used) when the line starts with a keyword in any spacing."""
    for used in range(min(4, len(tokens)), 0, -1):
        key = "_".join(tokens[:used]).upper()
        if key in _ALL_KEYWORDS:
            return key, used
    return None


def parse_sections(path: Path) -> Parsed:
    """Split an optimization file into header keywords and section data lines."""
    lines = read_lines(path)
    header: dict[str, tuple[str, int]] = {}
    sections: dict[str, tuple[int, list[int]]] = {}
    current: list[int] | None = None
    eof_line = 0
    for i, line in enumerate(lines):
        if is_data_line(line):
            if eof_line:
                raise line_error(path, i + 1, f"text after EOF (line {eof_line})")
            if current is None:
                raise line_error(path, i + 1, "data line outside any section")
            current.append(i)
            continue
        tokens = line.split()
        if not tokens or tokens[0].startswith("%"):
            continue
        if eof_line:
            raise line_error(path, i + 1, f"text after EOF (line {eof_line})")
        found = keyword(tokens)
        if found is None:
            raise line_error(path, i + 1, f"unknown keyword {short(tokens[0])}")
        key, used = found
        rest = tokens[used:]
        if key == "EOF" or key in SECTION_KEYWORDS:
            if rest:
                raise line_error(path, i + 1, f"{key} takes no value, found {short(rest[0])}")
            if key == "EOF":
                eof_line, current = i + 1, None
                continue
            if key in sections:
                raise line_error(path, i + 1, f"section {key} appears twice")
            current = []
            sections[key] = (i + 1, current)
            continue
        if key in header:
            raise line_error(path, i + 1, f"{key} given twice (first on line {header[key][1]})")
        if not rest or (key != "NAME" and len(rest) > 1):
            raise line_error(path, i + 1, f"{key} needs one value")
        header[key] = (" ".join(rest), i + 1)
        current = None
    out = {
        key: (at, [lines[i] for i in rows], np.array(rows, dtype=np.int64) + 1)
        for key, (at, rows) in sections.items()
    }
    last = max((i + 1 for i, s in enumerate(lines) if s.strip()), default=1)
    return Parsed(header, out, last)


def header_int(p: Parsed, key: str, path: Path, minimum: int, maximum: int) -> int:
    """The integer value of header keyword `key`, in [minimum, maximum]."""
    text, line = p.header[key]
    try:
        value = int(text)
    except ValueError:
        raise line_error(path, line, f"{key} must be an integer, got {short(text)}") from None
    if value < minimum:
        raise line_error(path, line, f"{key} must be at least {minimum}, got {value}")
    if value > maximum:
        raise line_error(path, line, f"{key} {value:,} is over the limit of {maximum:,}")
    return value


def checked(path: Path, kinds: tuple[str, ...]) -> tuple[Parsed, str, int]:
    """Parse `path`, check TYPE is one of `kinds` and the header is complete."""
    p = parse_sections(path)
    if not p.header and not p.sections:
        raise line_error(path, 1, "empty file: no header keyword and no section")
    if "TYPE" not in p.header:
        raise line_error(path, 1, "no TYPE keyword")
    kind, type_line = p.header["TYPE"]
    kind = kind.upper()
    if kind not in kinds:
        raise line_error(
            path, type_line, f"TYPE {short(kind)} where {' or '.join(kinds)} was expected"
        )
    first_section = min((at for at, _, _ in p.sections.values()), default=1)
    for key in _REQUIRED[kind]:
        if key not in p.header:
            raise line_error(path, first_section, f"header keyword {key} missing")
    for key, (_, line) in p.header.items():
        if key not in _REQUIRED[kind] and key != "TYPE":
            raise line_error(path, line, f"{key} does not belong in a {kind} file")
    for key, (line, _, _) in p.sections.items():
        if key not in _ALLOWED_SECTIONS[kind]:
            raise line_error(path, line, f"section {key} does not belong in a {kind} file")
    n = header_int(p, "NBLOCKS", path, 1, MAX_BLOCKS)
    if "OBJECTIVE_FUNCTION" not in p.sections:
        raise line_error(path, p.last_line, "section OBJECTIVE_FUNCTION missing")
    return p, kind, n
