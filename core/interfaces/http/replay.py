"""POST /replay: a decision record re-derived with the version of the data named in
it (:mod:`threshold.core.analysis.replay`), as the other endpoints are: the body
is JSON, errors are the error object with the status of
:mod:`threshold.core.interfaces.status`, the work runs in a worker thread."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from threshold.core.analysis.replay import replay
from threshold.core.interfaces.http.guards import BadQuery, query_errors
from threshold.core.interfaces.http.openapi import ENDPOINTS as ROUTED
from threshold.core.interfaces.http.openapi import ERROR_ANSWERS, JSON, Answer, Endpoint
from threshold.core.io.parse import decode_json

if TYPE_CHECKING:
    from starlette.requests import Request

    from threshold.core.plugins.registry import Registry

#: An example of the body, for the message of a body that is not JSON.
RECORD_EXAMPLE = '{"format": "threshold.record/1", "id": "...", ...}'

REPLAY = Endpoint(
    "POST",
    "/replay",
    "replay",
    "Replay a decision record (from POST /route?record=true) with the version of the "
    "data named in it: whether it reproduces exactly, what differs and why, and whether "
    "the version in force today would route its case differently.",
    request=(JSON, "record"),
    responses=(Answer(200, "The replay, reproduced or not.", "replay"), *ERROR_ANSWERS),
)

#: Every endpoint of the HTTP service, POST /replay with them.
ENDPOINTS = (*ROUTED, REPLAY)


class ReplayEndpoint:
    """The POST /replay method of the service's endpoints (``Api`` has it)."""

    registry: Registry

    def _bad_query(
        self, exc: BadQuery, raw: object = None, authority: str | None = None
    ) -> JSONResponse:
        raise NotImplementedError  # Api's own

    def _failure(
        self, exc: Exception, raw: object, authority: str | None, *, in_path: bool = False
    ) -> JSONResponse:
        raise NotImplementedError  # Api's own

    async def replay(self, request: Request) -> Response:
        """POST /replay: a decision record in, its replay out."""
        body = await request.body()
        errors = query_errors(request.query_params, ())
        if errors:
            return self._bad_query(BadQuery(errors))
        try:
            data = decode_json(body, field="body", example=RECORD_EXAMPLE)
            result = await run_in_threadpool(replay, data, self.registry)
        except Exception as exc:
            return self._failure(exc, None, None)
        return JSONResponse(result.to_dict())
