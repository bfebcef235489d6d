"""The HTTP protocol our servers speak: uvicorn's httptools protocol, with its one plain-text
answer (400 for a request it cannot parse) made JSON like every other error.

A URL with raw, not percent-encoded, Chinese (``/api/v1/search?q=王``, as some scripts and
shells send it) fails to parse before any app code runs, so the app's error handlers never
see it; this is the only place it can be answered.
"""

from __future__ import annotations

import json

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

INVALID = ("无效的 HTTP 请求 (invalid HTTP request); 网址中的中文等非 ASCII 字符须经 URL 编码 "
           "(percent-encode non-ASCII characters in the URL, e.g. q=%E7%8E%8B for q=王)")


class JsonErrorsProtocol(HttpToolsProtocol):
    def send_400_response(self, msg: str) -> None:
        body = json.dumps({"detail": INVALID, "parser": msg}, ensure_ascii=False).encode()
        head = [STATUS_LINE[400]]
        for name, value in self.server_state.default_headers:
            head += [name, b": ", value, b"\r\n"]
        head += [b"content-type: application/json\r\n", b"content-length: " + str(len(body)).encode() + b"\r\n",
                 b"connection: close\r\n", b"\r\n"]
        self.transport.write(b"".join(head) + body)
        self.transport.close()
