"""Fingerprints: a finding's identity that survives the log growing and being rewritten.

A fingerprint hashes the rule, the input's identity (a log's path, or a store's directory:
not the ``log-NNNN.jsonl`` inside it, which the daemon switches; taken from the project's
root by :func:`lifecheck.checker.check.identity_of`), the agent (its id, or its
name for name-level rules) and the finding's subject: the decoded event it is about, in a
canonical encoding (so neither line numbers, blank lines, key order nor whitespace count),
the reason a line is malformed, or a fixed marker for end-of-replay and store findings. An
occurrence number among findings with the same key keeps duplicates apart: the second
identical ``AgentStopped`` of a record is a finding of its own. Computed per finding only,
never per event.
"""

from __future__ import annotations

import os
from _blake2 import blake2b  # hashlib's, without loading OpenSSL (5-10 ms at start)

import msgspec

from lifecheck.checker.reading.events import Event

#: Part of every key: a new scheme must not reuse the old one's fingerprints.
SCHEME = "lifecheck/v1"

#: The subject of an end-of-replay finding, and of a store finding (no event of its own).
END, STORE = b"end", b"store"

_encode = msgspec.msgpack.Encoder().encode


class Fingerprints:
    """The fingerprints of one input's findings, handed out in the order they are found.

    Memory: one small entry per distinct key (not per event).
    """

    __slots__ = ("_input", "_seen")

    def __init__(self, identity: str) -> None:
        path = os.fsencode(os.path.normpath(identity))  # ./x and x/ are x
        self._input = blake2b(_encode((SCHEME, path)), digest_size=16)
        self._seen: dict[bytes, int] = {}

    def next(self, rule: str, agent: str | None, subject: Event | bytes | str) -> str:
        """The fingerprint of the next finding of ``rule`` about ``agent`` and ``subject``
        (an event, a marker or a reason), as 32 hex digits."""
        key = self._input.copy()  # a decoded event encodes its fields in declaration order
        key.update(_encode((rule, agent, type(subject).__name__, subject)))
        digest = key.digest()
        seen = self._seen.get(digest, 0)
        self._seen[digest] = seen + 1
        if seen:
            key.update(seen.to_bytes(8, "big"))
            digest = key.digest()
        return digest.hex()
