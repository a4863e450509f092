"""Bearer tokens: who may call the service, and who owns a job.

Tokens come from the environment variable ``TWIN_API_TOKENS`` (comma-separated) and from
a tokens file (one a line; blank lines and ``#`` comments skipped; a line
``sha256:HEX`` gives a token by its hash, so the file need not hold the token itself).
Only SHA-256 hashes are kept, in memory; a presented token is hashed and compared with
every kept hash in constant time. A job belongs to the hash of the token that submitted
it, and the store keeps that hash, never the token.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from pathlib import Path

from twin.errors import OptionError

#: The environment variable that lists the tokens, comma-separated.
ENV = "TWIN_API_TOKENS"
#: Shortest token accepted: 16 characters (a guessable token is no lock).
MIN_TOKEN_LENGTH = 16
_HASH = re.compile(r"^sha256:([0-9a-f]{64})$")


def token_hash(token: str) -> str:
    """The SHA-256 of `token` (UTF-8) as 64 hex digits: a token's identity in the store."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Tokens:
    """The hashes of the tokens the service accepts."""

    def __init__(self, hashes: set[str]) -> None:
        if not hashes:
            raise OptionError(f"no API tokens: set {ENV} (comma-separated) or give --tokens-file")
        self._hashes = tuple(sorted(hashes))

    @classmethod
    def load(cls, listed: str | None, file: Path | None) -> Tokens:
        """The tokens of `listed` (the value of TWIN_API_TOKENS) and of `file`; OptionError
        for a token shorter than MIN_TOKEN_LENGTH or holding whitespace, or none at all."""
        entries = [("TWIN_API_TOKENS", t.strip()) for t in (listed or "").split(",")]
        if file is not None:
            try:
                lines = file.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError) as exc:
                raise OptionError(f"--tokens-file: cannot read {file}: {exc}") from None
            entries += [(f"{file} line {n}", line.strip()) for n, line in enumerate(lines, 1)]
        hashes = set()
        for where, entry in entries:
            if not entry or entry.startswith("#"):
                continue
            if match := _HASH.match(entry):
                hashes.add(match.group(1))
            elif len(entry) < MIN_TOKEN_LENGTH or any(c.isspace() for c in entry):
                raise OptionError(
                    f"{where}: a token must be at least {MIN_TOKEN_LENGTH} characters "
                    "without spaces"
                )
            else:
                hashes.add(token_hash(entry))
        return cls(hashes)

    def owner(self, token: str) -> str | None:
        """The hash of `token` when the service accepts it, else None. Every kept hash is
        compared (hmac.compare_digest), so the time taken says nothing of which matched."""
        digest = token_hash(token)
        found = None
        for known in self._hashes:
            if hmac.compare_digest(known, digest):
                found = known
        return found
