"""What the HTTP layer is given, and how its routes ask for it.

The composition root builds one `Services` and hands it to `create_app`; routes declare
the parts they use as FastAPI dependencies (`Service`, `Reads`, `Signer`, `Meters`), so
the HTTP layer never imports the composition root nor reaches into it for what it needs.
The dependencies are `async def`: they only look something up, and FastAPI runs a plain
`def` dependency on its thread pool — a thread hop per dependency per request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from api.auth import TokenSigner
from api.metrics import Metrics
from application.registry import RegistryService
from application.reviews import ReviewService
from application.service import ConversationService
from projections.readside import ReadSide


@dataclass(frozen=True)
class HttpLimits:
    """The settings the HTTP layer applies itself."""

    production: bool
    max_text_chars: int
    max_body_bytes: int
    ready_max_lag: int


@dataclass(frozen=True)
class Services:
    service: ConversationService
    registry: RegistryService
    reviews: ReviewService
    read_side: ReadSide
    signer: TokenSigner
    metrics: Metrics
    limits: HttpLimits
    last_recorded: Callable[[], int | None]  # the newest notification id in the store
    close: Callable[[], None]


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


async def _service(request: Request) -> ConversationService:
    return services(request).service


async def _read_side(request: Request) -> ReadSide:
    return services(request).read_side


async def _registry(request: Request) -> RegistryService:
    return services(request).registry


async def _signer(request: Request) -> TokenSigner:
    return services(request).signer


async def _metrics(request: Request) -> Metrics:
    return services(request).metrics


Service = Annotated[ConversationService, Depends(_service)]
Reads = Annotated[ReadSide, Depends(_read_side)]
Registry = Annotated[RegistryService, Depends(_registry)]
Signer = Annotated[TokenSigner, Depends(_signer)]
Meters = Annotated[Metrics, Depends(_metrics)]
