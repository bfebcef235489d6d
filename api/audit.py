"""The audit log: one JSON line for every request that reaches the server, with its true status.

Who (the key, or "none"), as what role, asked what (method, endpoint, the request's parameters
and what the endpoint said it did), and how it was answered (status, outcome, rows, time).
Values over ``VALUE_CHARS`` are cut, with their size and SHA-256, so no client can write a line
of its own size. The file is rotated by size (``audit.jsonl.1`` … ``.N``, oldest last).

Each line goes to the file in one ``write`` on a descriptor opened with O_APPEND, so the server's
processes interleave whole lines and a killed process leaves at most its last line torn; the
next writer ends a torn line before it appends, so every later line is whole.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

VALUE_CHARS = 1024  # a longer value is logged cut, with its size and hash
ROTATE_BYTES = 64 * 1024 * 1024
KEEP_ROTATED = 5


def bounded(value: Any) -> Any:
    """`value`, or {"truncated", "chars", "sha256"} when its JSON is longer than VALUE_CHARS."""
    if isinstance(value, (int, float, bool)) or value is None:
        return value
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    if len(text) <= VALUE_CHARS:
        return value
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return {"truncated": text[:VALUE_CHARS], "chars": len(text), "sha256": digest}


class AuditLog:
    def __init__(self, path: Path, *, rotate_bytes: int = ROTATE_BYTES, keep: int = KEEP_ROTATED):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.rotate_bytes = rotate_bytes
        self.keep = keep
        self._lock = threading.Lock()
        self._fd: int | None = None
        self._inode: int | None = None

    def write(self, **entry: Any) -> None:
        entry = {"time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
                 **{k: bounded(v) for k, v in entry.items()}}
        line = (json.dumps(entry, ensure_ascii=False, default=str) + "\n").encode("utf-8", "backslashreplace")
        with self._lock:
            fd = self._open()
            os.write(fd, line)
            if os.fstat(fd).st_size > self.rotate_bytes:
                self._rotate()

    def _open(self) -> int:
        """Our descriptor of the current file: reopened when another process rotated it."""
        try:
            current = os.stat(self.path).st_ino
        except FileNotFoundError:
            current = None
        if self._fd is None or current != self._inode:
            if self._fd is not None:
                os.close(self._fd)
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            self._inode = os.fstat(self._fd).st_ino
            self._end_torn_line(self._fd)
        return self._fd

    def _end_torn_line(self, fd: int) -> None:
        size = os.fstat(fd).st_size
        if size == 0:
            return
        with open(self.path, "rb") as fh:
            fh.seek(size - 1)
            if fh.read(1) != b"\n":
                os.write(fd, b"\n")

    def _rotate(self) -> None:
        """audit.jsonl → .1 → .2 …; one process at a time (a lock file beside the log)."""
        with open(self.path.with_suffix(".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                if os.stat(self.path).st_ino != self._inode or os.stat(self.path).st_size <= self.rotate_bytes:
                    return  # another process rotated it first
                for n in range(self.keep - 1, 0, -1):
                    older = self.path.with_name(f"{self.path.name}.{n}")
                    if older.exists():
                        older.replace(self.path.with_name(f"{self.path.name}.{n + 1}"))
                self.path.replace(self.path.with_name(f"{self.path.name}.1"))
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def close(self) -> None:
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None


def outcome_of(status: int, error: str | None = None) -> str:
    if error:
        return f"error {status} {error}"
    if status < 400:
        return "ok"
    return f"refused {status}" if status < 500 else f"error {status}"


class AuditRequests:
    """ASGI middleware: writes the audit line of every HTTP request once it has been answered.

    An endpoint adds what it did through ``request.state.audit`` (``deps.audited``); the key
    check leaves the key (``request.state.key``) or what was presented (``request.state.presented``).
    """

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status: list[int] = []
        written = False

        def record(error: str | None = None) -> None:
            nonlocal written
            if not written:
                written = True
                self._write(scope, status[0] if status else 500, error, time.perf_counter() - started)

        async def sending(message: dict) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                record()  # before the answer's last byte: an answer a client got is in the log
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as exc:
            record(type(exc).__name__)
            raise
        finally:
            record()

    @staticmethod
    def _write(scope: dict, status: int, error: str | None, seconds: float) -> None:
        ctx = getattr(scope["app"].state, "ctx", None)
        if ctx is None:
            return
        state = scope.get("state", {})
        key = state.get("key")
        who = {"key_id": key.key_id, "role": key.role} if key is not None else \
            {"key_id": state.get("presented", "none"), "role": None}
        done = state.get("audit", {})
        query = scope.get("query_string", b"").decode("latin-1")
        try:
            ctx.audit.write(**who, method=scope["method"], endpoint=scope["path"],
                            **({"url_query": query} if query else {}), **done.get("what", {}),
                            rows=done.get("rows"), status=status, outcome=outcome_of(status, error),
                            duration_ms=round(seconds * 1000, 1))
        except OSError as exc:  # the answer is already sent: say so where the operator looks
            print(f"jiandu: 审计日志写入失败 (could not write the audit log): {exc}", file=sys.stderr)

