"""Configuration: every setting, its environment variable, type, default and meaning, in one
class. `Settings.from_env()` reads the environment and refuses a bad value naming the
variable; `Settings(...)` with keyword arguments reads nothing else, so a test's settings
never pick up a developer's `ANTHROPIC_API_KEY` or `LASTRESORT_ENV`.

Two databases at most: `DATABASE_URL`, which every write uses (commands, the event store,
the projections writing the read models, the audit page-view log), and `DATABASE_READ_URL`,
a streaming replica of it that every read-model read uses when set; the container gives each
part its URL."""

from __future__ import annotations

import os
import secrets
import tomllib
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from adapters.claude_context import DEFAULT_CONTEXT_TOKENS
from application.policies import DEFAULT_POLICY_FILE
from eventstore.keys import KeyRefused, MasterKey

DEFAULT_MODEL = "claude-opus-4-1"
DEFAULT_ASSESSOR_MODEL = "claude-haiku-4-5"
# Below this the rules, the instruction and one long message would leave no history;
# above it no model has a window.
MIN_CONTEXT_TOKENS = 8_000
MAX_CONTEXT_TOKENS = 1_000_000
PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIN_SECRET_BYTES = 32
HOME_NAME = ".lastresort"
PROJECT_NAME = "lastresort"


def is_checkout(folder: Path) -> bool:
    """Whether `folder` holds this project's pyproject.toml (a clone of lastresort)."""
    try:
        project = tomllib.loads((folder / "pyproject.toml").read_text()).get("project", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return isinstance(project, dict) and project.get("name") == PROJECT_NAME


def find_home(start: Path | None = None) -> Path | None:
    """The nearest `.lastresort` folder from `start` (the current folder) upward, or the
    checkout's when run inside one; None elsewhere, so nothing is created by accident."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / HOME_NAME).is_dir() or is_checkout(folder):
            return folder / HOME_NAME
    return None


class Settings(BaseSettings):
    """Every setting; the alias is its environment variable, the description its meaning."""

    model_config = SettingsConfigDict(
        frozen=True, populate_by_name=True, case_sensitive=True, env_ignore_empty=True
    )

    database_url: str | None = Field(
        None,
        validation_alias="DATABASE_URL",
        description="Postgres to use, e.g. `postgresql://user:pw@host:5432/db`; "
        "unset: an embedded Postgres under the home folder",
    )
    database_read_url: str | None = Field(
        None,
        validation_alias="DATABASE_READ_URL",
        description="a streaming replica of `DATABASE_URL` that every read-model read uses "
        "(GraphQL, `GET /v1/conversations`, the audit pages, exports and statistics); "
        "commands, projections and the audit page-view log stay on `DATABASE_URL`, and "
        "read-your-writes waits for the replica; unset: reads use `DATABASE_URL`",
    )
    secret: str | None = Field(
        None,
        validation_alias="LASTRESORT_SECRET",
        description="token signing secret (HS256); unset: generated once into the home folder "
        "(required, 32 characters or more, when `LASTRESORT_ENV=production`)",
    )
    master_key: str | None = Field(
        None,
        validation_alias="LASTRESORT_MASTER_KEY",
        description="key-encryption key (URL-safe base64 of 32 bytes: `lastresort "
        "new-master-key`) wrapping each conversation's data key; unset: generated once into "
        "the home folder (required when `LASTRESORT_ENV=production`)",
    )
    previous_master_key: str | None = Field(
        None,
        validation_alias="LASTRESORT_PREVIOUS_MASTER_KEY",
        description="the master key being replaced, for `lastresort rotate-master-key`",
    )
    text_retention_days: int | None = Field(
        None,
        ge=1,
        validation_alias="LASTRESORT_TEXT_RETENTION_DAYS",
        description="erase the text of conversations whose every message is older than this "
        "many days (the projection process checks at start and hourly; decisions stay); "
        "unset: kept until erased",
    )
    anthropic_api_key: str | None = Field(
        None,
        validation_alias="ANTHROPIC_API_KEY",
        description="run the assessor and assistant on Claude; unset: offline ones",
    )
    anthropic_model_timeout: float = Field(
        30.0,
        gt=0,
        validation_alias="LASTRESORT_ANTHROPIC_TIMEOUT",
        description="seconds one Claude call may take",
    )
    anthropic_max_retries: int = Field(
        2,
        ge=0,
        validation_alias="LASTRESORT_ANTHROPIC_MAX_RETRIES",
        description="retries of a Claude call on a timeout, 429 or 5xx, with backoff",
    )
    turn_deadline_seconds: float = Field(
        20.0,
        gt=0,
        validation_alias="LASTRESORT_TURN_DEADLINE_SECONDS",
        description="longest a turn may take, model calls and retries included "
        "(503 + `Retry-After` past it, nothing stored)",
    )
    review_claim_seconds: float = Field(
        900.0,
        gt=0,
        validation_alias="LASTRESORT_REVIEW_CLAIM_SECONDS",
        description="how long a reviewer's claim on a contested ending holds; after it, "
        "another reviewer may claim the case",
    )
    context_tokens: int = Field(
        DEFAULT_CONTEXT_TOKENS,
        ge=MIN_CONTEXT_TOKENS,
        le=MAX_CONTEXT_TOKENS,
        validation_alias="LASTRESORT_CONTEXT_TOKENS",
        description="most input tokens one Claude reply request may hold; a longer "
        "conversation sends its newest turns that fit and a note of what was left out",
    )
    assessor_model: str = Field(
        DEFAULT_ASSESSOR_MODEL,
        min_length=1,
        validation_alias="LASTRESORT_ASSESSOR_MODEL",
        description="the Claude model that assesses each message",
    )
    offline_second_opinion: Literal["none", "ngrams"] = Field(
        "ngrams",
        validation_alias="LASTRESORT_OFFLINE_SECOND_OPINION",
        description="`ngrams`: where the offline rules find nothing, character n-gram models "
        "shipped with the package may name a harm category at the least eligible severity "
        "or, failing that, a crisis; `none`: the rules alone",
    )
    home: Path | None = Field(
        default_factory=find_home,
        validation_alias="LASTRESORT_HOME",
        description="where the embedded database, the generated secret and the logs live; "
        "unset: the nearest `.lastresort` folder, or the checkout's",
    )
    policy_file: Path = Field(
        DEFAULT_POLICY_FILE,
        validation_alias="LASTRESORT_POLICY",
        description="the policy file that seeds an empty policy registry (`lastresort migrate`), "
        "and is in force while the registry is empty",
    )
    default_model: str = Field(
        DEFAULT_MODEL,
        min_length=1,
        validation_alias="LASTRESORT_DEFAULT_MODEL",
        description="model of new conversations",
    )
    max_text_chars: int = Field(
        8000,
        ge=1,
        validation_alias="LASTRESORT_MAX_TEXT_CHARS",
        description="longest message accepted (413 above)",
    )
    max_body_bytes: int = Field(
        64 * 1024,
        ge=1,
        validation_alias="LASTRESORT_MAX_BODY_BYTES",
        description="largest request body accepted (413 above)",
    )
    token_ttl_seconds: int = Field(
        30 * 24 * 3600,
        ge=1,
        validation_alias="LASTRESORT_TOKEN_TTL_SECONDS",
        description="lifetime of a token `lastresort token` mints without `--ttl`",
    )
    production: bool = Field(
        False,
        validation_alias="LASTRESORT_ENV",
        description="`production` requires a `LASTRESORT_SECRET` of at least 32 characters "
        "and hides the GraphQL schema (no introspection, no suggestions, no GraphiQL); "
        "`development` or unset: neither",
    )
    ready_max_lag: int = Field(
        1000,
        ge=0,
        validation_alias="LASTRESORT_READY_MAX_LAG",
        description="events a read model may be behind while `/readyz` says ready",
    )
    read_pool_size: int = Field(
        10,
        ge=1,
        le=100,
        validation_alias="LASTRESORT_READ_POOL_SIZE",
        description="database connections each API process (each `serve --workers` process) "
        "keeps at most for GraphQL and REST reads",
    )
    forwarded_allow_ips: str = Field(
        "127.0.0.1",
        min_length=1,
        validation_alias="LASTRESORT_FORWARDED_ALLOW_IPS",
        description="proxies whose `X-Forwarded-*` headers `serve --proxy-headers` trusts "
        "(comma-separated)",
    )

    @field_validator("production", mode="before")
    @classmethod
    def _environment(cls, value: Any) -> Any:
        """`LASTRESORT_ENV` names an environment; a misspelt one is refused, not ignored."""
        if isinstance(value, bool):
            return value
        if value in ("production", "development"):
            return value == "production"
        raise ValueError("must be 'production' or 'development'")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Keyword arguments only; the environment is read by `from_env`."""
        return (init_settings,)

    @classmethod
    def from_env(cls) -> Settings:
        """The settings the environment gives; a bad value raises `ConfigurationError`."""
        try:
            return cls(**EnvSettingsSource(cls)())
        except ValidationError as error:
            raise ConfigurationError(_first_problem(error)) from None

    def signing_secret(self) -> str:
        """`LASTRESORT_SECRET`, or one generated once and kept under the home folder."""
        if self.production and len(self.secret or "") < MIN_SECRET_BYTES:
            raise ConfigurationError(
                f"LASTRESORT_SECRET of at least {MIN_SECRET_BYTES} characters must be set "
                "when LASTRESORT_ENV=production"
            )
        if self.secret:
            return self.secret
        path = self.require_home("LASTRESORT_SECRET") / "secret"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(MIN_SECRET_BYTES))
            path.chmod(0o600)
        return path.read_text().strip()

    def master(self) -> MasterKey:
        """`LASTRESORT_MASTER_KEY`, or one generated once and kept under the home folder
        (never in production: a key lost with a container would erase every text)."""
        if self.master_key:
            return _master_key("LASTRESORT_MASTER_KEY", self.master_key)
        if self.production:
            raise ConfigurationError(
                "LASTRESORT_MASTER_KEY must be set when LASTRESORT_ENV=production"
            )
        path = self.require_home("LASTRESORT_MASTER_KEY") / "master_key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch(0o600)
            path.write_text(MasterKey.generate())
        return _master_key(str(path), path.read_text())

    def previous_master(self) -> MasterKey:
        if not self.previous_master_key:
            raise ConfigurationError(
                "LASTRESORT_PREVIOUS_MASTER_KEY must name the master key being replaced"
            )
        return _master_key("LASTRESORT_PREVIOUS_MASTER_KEY", self.previous_master_key)

    def hand_down(self, url: str) -> None:
        """Put what this process resolved (the database URL, the home) into its environment,
        so the processes it starts (`serve --workers`) build the same settings from it."""
        os.environ["DATABASE_URL"] = url
        if self.home is not None:
            os.environ["LASTRESORT_HOME"] = str(self.home)

    def require_home(self, variable: str) -> Path:
        """The home folder, or a `ConfigurationError` saying what to set instead of `variable`
        (run outside a checkout, a new home would hold a secret the server does not know)."""
        if self.home is None:
            raise ConfigurationError(
                f"{variable} is not set and no lastresort home was found from {Path.cwd()}: "
                "run this in the lastresort checkout (or the folder where you ran "
                f"`lastresort serve`), or set LASTRESORT_HOME or {variable}"
            )
        return self.home


def _master_key(source: str, text: str) -> MasterKey:
    try:
        return MasterKey.parse(text)
    except KeyRefused as refused:
        raise ConfigurationError(f"{source}: {refused}") from None


def _first_problem(error: ValidationError) -> str:
    """One line naming the variable, what is wrong and the value given."""
    problem = error.errors()[0]
    variable = ".".join(str(part) for part in problem["loc"])
    message = problem["msg"].removeprefix("Value error, ")
    return f"{variable}: {message} (got {problem['input']!r})"


def reference_table() -> str:
    """The README's configuration table, from the fields (a test keeps the two equal)."""
    rows = ["| variable | type | default | meaning |", "|---|---|---|---|"]
    for name, field in Settings.model_fields.items():
        rows.append(
            f"| `{field.validation_alias}` | {_type_of(name)} | {_default_of(name)} "
            f"| {field.description} |"
        )
    return "\n".join(rows)


KINDS: dict[object, str] = {str: "text", int: "integer", float: "number"}
SPECIAL_KINDS = {
    "home": "folder",
    "policy_file": "file",
    "production": "`production` or `development`",
    "offline_second_opinion": "`none` or `ngrams`",
}


def _type_of(name: str) -> str:
    """What a variable takes, as the README says it: its kind and its bounds."""
    field = Settings.model_fields[name]
    kind = SPECIAL_KINDS.get(name) or next(
        KINDS[t] for t in (*get_args(field.annotation), field.annotation) if t in KINDS
    )
    for bound in field.metadata:
        for symbol, attribute in ((" > ", "gt"), (" ≥ ", "ge"), (", ≤ ", "le")):
            if getattr(bound, attribute, None) is not None:
                kind += f"{symbol}{getattr(bound, attribute)}"
    return kind


def _default_of(name: str) -> str:
    field = Settings.model_fields[name]
    if field.default_factory is not None or field.default is None:
        return "unset"
    if isinstance(field.default, Path):
        return f"`{field.default.relative_to(PROJECT_ROOT)}`"
    if field.default is False:
        return "`development`"
    return f"`{field.default}`"


class ConfigurationError(RuntimeError):
    """The environment does not allow the service to start safely."""
