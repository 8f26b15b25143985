"""A token verified once is not taken on trust: it is refused from the second its `exp`
says, and a token that differs from it in any character is checked on its own."""

from __future__ import annotations

from datetime import datetime, tzinfo
from types import SimpleNamespace

import jwt
import jwt.api_jwt
import pytest

from api import auth
from api.auth import TokenSigner, Unauthorized
from domain.access import Principal, Role

SECRET = "token-test-secret-" + "x" * 32


def clocks_at(monkeypatch: pytest.MonkeyPatch, at: float) -> None:
    """Both clocks a check reads (the signer's and the JWT library's) say `at`."""

    class Then(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> Then:
            return cls.fromtimestamp(at, tz)

    monkeypatch.setattr(auth, "time", SimpleNamespace(time=lambda: at))
    monkeypatch.setattr(jwt.api_jwt, "datetime", Then)


def test_a_verified_token_is_refused_once_it_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    signer = TokenSigner(SECRET, 60)
    token = signer.mint("ada", Role.REVIEWER)
    assert signer.verify(token) == Principal("ada", Role.REVIEWER)
    expires = jwt.decode(token, options={"verify_signature": False})["exp"]
    clocks_at(monkeypatch, expires - 0.5)
    assert signer.verify(token) == Principal("ada", Role.REVIEWER)
    clocks_at(monkeypatch, expires)
    with pytest.raises(Unauthorized, match="token expired"):
        signer.verify(token)


def test_a_token_like_a_verified_one_is_checked_on_its_own() -> None:
    signer = TokenSigner(SECRET, 60)
    token = signer.mint("ada")
    assert signer.verify(token) == Principal("ada")
    header, payload, signature = token.split(".")
    forged = jwt.encode(
        {**jwt.decode(token, options={"verify_signature": False}), "role": "reviewer"},
        "another-secret-" + "y" * 32,
        algorithm="HS256",
    )
    for other in (forged, f"{header}.{payload}.{signature[:-2]}AA", token + " "):
        with pytest.raises(Unauthorized):
            signer.verify(other)
    with pytest.raises(Unauthorized):
        TokenSigner("a-different-secret-" + "z" * 32, 60).verify(token)
