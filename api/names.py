"""Unknown names are refused before a request's body is read, with the close matches.

FastAPI reads and validates a body before it calls the endpoint, so a misspelt pattern name
with a large body would be read, parsed and only then refused. This middleware sees the path
first. Paths that match no route at all get the same kind of answer from the 404 handler.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

from jiandu.queries.library import library

PATTERNS = "/api/v1/patterns/"


def close_matches(word: str, known: Iterable[str]) -> list[str]:
    return difflib.get_close_matches(word, list(known), n=3, cutoff=0.5)


def not_found_body(zh: str, en: str, word: str, known: Iterable[str]) -> bytes:
    """The JSON of a 404 for `word`, naming what it is (`zh`, `en`) and the close matches."""
    hint = close_matches(word, known)
    detail = f"未知{zh} (unknown {en}): {word}" + (f"; 是否指 did you mean {', '.join(hint)}?" if hint else "")
    return json.dumps({"detail": detail, "did_you_mean": hint}, ensure_ascii=False).encode()


class UnknownPatterns:
    """ASGI middleware: `/api/v1/patterns/{name}` with a name the library lacks is a 404 at once."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(PATTERNS):
            name = scope["path"][len(PATTERNS):].split("/", 1)[0]
            if name and name not in library():
                body = not_found_body("检测查询", "pattern", name, library())
                await send({"type": "http.response.start", "status": 404,
                            "headers": [(b"content-type", b"application/json"),
                                        (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)
