"""A short, stable fingerprint of the code a rule-based adapter decides with.

Recorded assessments name the rule set that made them, so the name must change whenever
a rule does and only then: the fingerprint hashes the module's tokens without comments,
blank lines or docstrings, so rewording a comment keeps it and changing a pattern, a
threshold or a branch changes it. Tokens (not the AST's dump, which differs between Python
versions) keep it the same on every supported Python.
"""

from __future__ import annotations

import hashlib
import io
import tokenize
from pathlib import Path

DIGITS = 12
_IGNORED = frozenset({tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER})
_STATEMENT_START = frozenset({tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, None})


def source_fingerprint(path: Path) -> str:
    """The first `DIGITS` hex digits of a SHA-256 over the code tokens of `path`."""
    digest = hashlib.sha256()
    for text in _code_tokens(path.read_text(encoding="utf-8")):
        digest.update(text.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()[:DIGITS]


def _code_tokens(source: str) -> list[str]:
    """The source's tokens that can change behaviour, in order."""
    tokens = [
        t for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type not in _IGNORED
    ]
    kept: list[str] = []
    for i, token in enumerate(tokens):
        previous = tokens[i - 1].type if i else None
        following = tokens[i + 1].type if i + 1 < len(tokens) else None
        is_docstring = (
            token.type == tokenize.STRING
            and previous in _STATEMENT_START
            and following == tokenize.NEWLINE
        )
        if not is_docstring:
            kept.append(token.string)
    return kept
