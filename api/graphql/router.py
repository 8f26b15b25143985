"""GraphQL over HTTP: strawberry's FastAPI router, its POST served by a plain route.

A read is a few milliseconds, and FastAPI solving the route's dependencies (the request, a
sub-response, the context and the root value, each through `Depends`) took a noticeable
share of it; the POST route calls the same context getter and strawberry's same view
itself. GET (GraphiQL, queries by GET) keeps strawberry's own route.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from fastapi import BackgroundTasks, Request, Response
from fastapi.responses import HTMLResponse, PlainTextResponse
from fastapi.routing import APIRoute
from starlette.routing import Route
from strawberry.fastapi import GraphQLRouter
from strawberry.schema.base import BaseSchema

from api.graphql.context import Context
from api.graphql.ide import graphiql_page
from domain.errors import BadInput, NotFound

ContextGetter = Callable[[Request, Response], Awaitable[Context]]


class Router(GraphQLRouter[Context, None]):
    """Answers `application/graphql-response+json` when the client asks for it; browsers get
    GraphiQL from this server's own files (outside production)."""

    graphiql = True

    def __init__(self, schema: BaseSchema, context_getter: ContextGetter, **kwargs: Any) -> None:
        super().__init__(schema, context_getter=context_getter, **kwargs)
        self.context_of = context_getter
        self.routes = [
            Route(route.path, self.handle_post, methods=["POST"], include_in_schema=False)
            if isinstance(route, APIRoute) and route.methods == {"POST"}
            else route
            for route in self.routes
        ]

    async def handle_post(self, request: Request) -> Response:
        """POST, as strawberry's own route answers it (same context, sub-response, errors
        and response) without FastAPI solving its dependencies each time: the context's
        getter is called directly, given what those dependencies gave it."""
        sub_response = Response()
        del sub_response.headers["content-length"]
        sub_response.status_code = None  # type: ignore[assignment]  # as FastAPI makes it
        context = await self.context_of(request, sub_response)
        context.request, context.response = request, sub_response
        context.background_tasks = tasks = BackgroundTasks()
        self.temporal_response = sub_response
        try:
            response = await self.run(request=request, context=context, root_value=None)
        except HTTPException as error:
            return PlainTextResponse(error.reason, status_code=error.status_code)
        if response.background is None:
            response.background = tasks
        return response

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        if not self.graphiql:
            raise NotFound("GraphiQL is not served in production")
        return graphiql_page()

    def create_response(self, response_data: Any, sub_response: Any) -> Any:
        response = super().create_response(response_data, sub_response)
        if sub_response.media_type:
            response.headers["content-type"] = sub_response.media_type
        return response

    async def parse_http_body(self, request: AsyncHTTPRequestAdapter) -> Any:
        """A body that cannot be read as a GraphQL request (not JSON, not UTF-8, nested too
        deep, not an object, another content type) is 422 `bad_input` as on REST, never a 500."""
        try:
            return await super().parse_http_body(request)
        except HTTPException as error:
            raise BadInput(error.reason) from None

    def encode_json(self, data: object) -> bytes:
        """orjson: a page of messages is encoded several times faster than with `json`."""
        return orjson.dumps(data)

    def parse_json(self, data: str | bytes) -> Any:
        try:
            body = self.decode_json(data)
        except (ValueError, RecursionError) as error:
            raise BadInput(f"the body is not valid JSON: {error}") from None
        if not isinstance(body, dict):
            raise BadInput("the body must be a JSON object with a `query`")
        return body
