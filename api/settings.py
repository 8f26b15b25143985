"""Configuration, read once from the environment."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MODEL = "claude-opus-4-1"
DEFAULT_ASSESSOR_MODEL = "claude-haiku-4-5"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIN_SECRET_BYTES = 32


@dataclass(frozen=True)
class Settings:
    database_url: str | None = None
    secret: str | None = None
    anthropic_api_key: str | None = None
    # Per attempt; timeouts, 429 and 5xx are retried this many times with backoff.
    anthropic_model_timeout: float = 30.0
    anthropic_max_retries: int = 2
    # A whole turn (model calls, retries, waits) ends within this or answers 503.
    turn_deadline_seconds: float = 20.0
    assessor_model: str = DEFAULT_ASSESSOR_MODEL
    home: Path = Path(".lastresort")
    policy_file: Path = PROJECT_ROOT / "policies" / "default.toml"
    default_model: str = DEFAULT_MODEL
    max_text_chars: int = 8000
    max_body_bytes: int = 64 * 1024
    token_ttl_seconds: int = 30 * 24 * 3600
    production: bool = False
    ready_max_lag: int = 1000  # events a read model may be behind while /readyz says ready

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            database_url=env.get("DATABASE_URL") or None,
            secret=env.get("LASTRESORT_SECRET") or None,
            anthropic_api_key=env.get("ANTHROPIC_API_KEY") or None,
            anthropic_model_timeout=float(env.get("LASTRESORT_ANTHROPIC_TIMEOUT", "30")),
            anthropic_max_retries=int(env.get("LASTRESORT_ANTHROPIC_MAX_RETRIES", "2")),
            turn_deadline_seconds=float(env.get("LASTRESORT_TURN_DEADLINE_SECONDS", "20")),
            assessor_model=env.get("LASTRESORT_ASSESSOR_MODEL", DEFAULT_ASSESSOR_MODEL),
            home=Path(env.get("LASTRESORT_HOME", ".lastresort")),
            policy_file=Path(env.get("LASTRESORT_POLICY", str(cls.policy_file))),
            default_model=env.get("LASTRESORT_DEFAULT_MODEL", DEFAULT_MODEL),
            max_text_chars=int(env.get("LASTRESORT_MAX_TEXT_CHARS", "8000")),
            production=env.get("LASTRESORT_ENV") == "production",
            ready_max_lag=int(env.get("LASTRESORT_READY_MAX_LAG", "1000")),
        )

    def signing_secret(self) -> str:
        """`LASTRESORT_SECRET`, or one generated once and kept under the home folder."""
        if self.production and len(self.secret or "") < MIN_SECRET_BYTES:
            raise ConfigurationError(
                f"LASTRESORT_SECRET of at least {MIN_SECRET_BYTES} characters must be set "
                "when LASTRESORT_ENV=production"
            )
        if self.secret:
            return self.secret
        path = self.home / "secret"
        if not path.exists():
            self.home.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(MIN_SECRET_BYTES))
            path.chmod(0o600)
        return path.read_text().strip()


class ConfigurationError(RuntimeError):
    """The environment does not allow the service to start safely."""
