"""Bearer tokens: HS256 JWTs naming a user and a role, with an expiry."""

from __future__ import annotations

import time

import jwt

from domain.access import Principal, Role
from domain.errors import DomainError

ALGORITHM = "HS256"
ISSUER = "lastresort"


class Unauthorized(DomainError):
    code = "unauthorized"


class TokenSigner:
    def __init__(self, secret: str, ttl_seconds: int) -> None:
        self._secret = secret
        self._ttl = ttl_seconds

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
        return Principal(sub, Role(role))

    def verify_header(self, authorization: str | None) -> Principal:
        if not authorization:
            raise Unauthorized("missing Authorization header (expected 'Bearer <token>')")
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("Authorization header must be 'Bearer <token>'")
        return self.verify(token.strip())
