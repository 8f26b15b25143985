"""Bearer tokens: HS256 JWTs naming a user and a role, with an expiry."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

import jwt

from domain.access import Principal, Role
from domain.errors import DomainError

ALGORITHM = "HS256"
ISSUER = "lastresort"
VERIFIED_TOKENS = 1024
"""How many verified tokens a signer remembers (the most recently used): a client sends the
same token with every request, and checking it again costs more than a page's reads."""


class Unauthorized(DomainError):
    code = "unauthorized"


class TokenSigner:
    def __init__(self, secret: str, ttl_seconds: int) -> None:
        self._secret = secret
        self._ttl = ttl_seconds
        self._verified: OrderedDict[str, tuple[Principal, int]] = OrderedDict()
        self._lock = threading.Lock()

    def mint(self, user: str, role: Role = Role.USER, ttl_seconds: int | None = None) -> str:
        now = int(time.time())
        claims = {
            "sub": user,
            "role": str(role),
            "iss": ISSUER,
            "iat": now,
            "exp": now + (self._ttl if ttl_seconds is None else ttl_seconds),
        }
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM)

    def verify(self, token: str) -> Principal:
        """The token's principal. A token this signer verified before is taken as it was
        until its expiry: its signature, issuer and claims cannot change, and what was valid
        (not before its `iat` or `nbf`) stays valid until `exp`, which is checked here, at
        each use, as `jwt.decode` checks it (expired once `exp` is not after now)."""
        with self._lock:
            known = self._verified.get(token)
            if known is not None and time.time() < known[1]:
                self._verified.move_to_end(token)
                return known[0]
        principal, expires = self._decode(token)
        with self._lock:
            self._verified[token] = (principal, expires)
            self._verified.move_to_end(token)
            while len(self._verified) > VERIFIED_TOKENS:
                self._verified.popitem(last=False)
        return principal

    def _decode(self, token: str) -> tuple[Principal, int]:
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                issuer=ISSUER,
                options={"require": ["sub", "exp", "iss", "role"]},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthorized("token expired") from None
        except jwt.PyJWTError as error:
            raise Unauthorized(f"invalid token: {error}") from None
        sub, role = claims.get("sub"), claims.get("role")
        if not isinstance(sub, str) or not sub or role not in {str(r) for r in Role}:
            raise Unauthorized("invalid token: bad subject or role")
        return Principal(sub, Role(role)), int(claims["exp"])  # as `jwt.decode` reads it

    def verify_header(self, authorization: str | None) -> Principal:
        if not authorization:
            raise Unauthorized("missing Authorization header (expected 'Bearer <token>')")
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("Authorization header must be 'Bearer <token>'")
        return self.verify(token.strip())
