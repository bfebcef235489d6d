"""Several API worker processes behind one port, with connections dealt out evenly.

uvicorn's own workers all accept on one shared socket, and whichever wakes first takes the
connection. Clients keep their connections open (keep-alive), so the split made at connect time
lasts: measured with 20 clients on 4 workers, one worker held no connection at all while the
others queued seven each, and the clients on the busiest worker completed half as many requests
as those on the quietest. Here the parent process accepts every connection and hands it (the
file descriptor, over a unix socket pair) to the worker holding the fewest open connections;
workers report each close back. The workers are ordinary uvicorn servers without a listening
socket of their own.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import selectors
import signal
import socket
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import uvicorn

from jiandu.api.app import create_app
from jiandu.api.protocol import JsonErrorsProtocol
from jiandu.settings import Settings

OPENED, CLOSED, READY = b"+", b"-", b"!"


@dataclass
class _Worker:
    process: Any
    channel: socket.socket
    ready: bool = False  # it said it has opened the store and serves
    open: int = 0  # connections handed to it and not yet reported closed


def serve(host: str, port: int, workers: int, settings: Settings) -> int:
    """Accept on host:port and deal connections to `workers` processes until SIGINT/SIGTERM."""
    family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    listener = socket.create_server((host, port), family=family, backlog=2048)
    listener.setblocking(False)
    context = multiprocessing.get_context("spawn")
    pool = [_start(context, settings) for _ in range(workers)]
    stopping = False

    def stop(*_: Any) -> None:
        nonlocal stopping
        stopping = True

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, stop)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    for worker in pool:
        selector.register(worker.channel, selectors.EVENT_READ, worker)
    status = 0
    try:
        while not stopping:
            for key, _ in selector.select(timeout=0.5):
                if key.data is None:
                    _deal(listener, pool)
                elif not _hear(key.data):  # the worker is gone: replaced below once it has exited
                    selector.unregister(key.fileobj)
            for i, worker in enumerate(pool):
                if worker.process.is_alive():
                    continue
                _hear(worker)  # a "ready" it sent just before dying still counts
                with contextlib.suppress(KeyError):
                    selector.unregister(worker.channel)
                worker.channel.close()
                if not worker.ready:
                    print(f"工作进程未能启动 (a worker failed to start, code {worker.process.exitcode}); "
                          "停止服务 (stopping)", file=sys.stderr)
                    stopping, status = True, 1
                    break
                pool[i] = _start(context, settings)  # a crash later on: replace it and go on
                selector.register(pool[i].channel, selectors.EVENT_READ, pool[i])
    finally:
        selector.close()
        listener.close()
        for worker in pool:  # a closed channel tells a worker to finish its requests and exit
            worker.channel.close()
        deadline = time.monotonic() + 30
        for worker in pool:
            worker.process.join(max(0.1, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
    return status


def _start(context: Any, settings: Settings) -> _Worker:
    ours, theirs = socket.socketpair()
    process = context.Process(target=_run_worker, args=(theirs, settings), name="jiandu-api-worker")
    process.start()
    theirs.close()
    ours.setblocking(False)
    return _Worker(process, ours)


def _deal(listener: socket.socket, pool: list[_Worker]) -> None:
    while True:
        try:
            conn, _ = listener.accept()
        except (BlockingIOError, InterruptedError):
            return
        except OSError as exc:  # out of file descriptors, say: the client waits in the backlog
            print(f"无法接受连接 (cannot accept a connection): {exc}", file=sys.stderr)
            time.sleep(0.1)
            return
        with conn:
            for worker in sorted(pool, key=lambda w: w.open):
                try:
                    socket.send_fds(worker.channel, [OPENED], [conn.fileno()])
                except OSError:
                    continue  # a worker on its way out: try the next
                worker.open += 1
                break


def _hear(worker: _Worker) -> bool:
    """Read what a worker reported (ready, connections closed); False once its end is closed."""
    try:
        notes = worker.channel.recv(4096)
    except BlockingIOError:
        return True
    except OSError:
        return False
    worker.open = max(0, worker.open - notes.count(CLOSED))
    worker.ready = worker.ready or READY in notes
    return bool(notes)


# -- in the worker process -----------------------------------------------------------------
def _run_worker(channel: socket.socket, settings: Settings) -> None:
    config = uvicorn.Config(create_app(settings), log_level="warning", access_log=False, http=JsonErrorsProtocol)
    _Server(config, channel).run()


class _Server(uvicorn.Server):
    """A uvicorn server fed accepted connections by the parent instead of listening itself."""

    def __init__(self, config: uvicorn.Config, channel: socket.socket) -> None:
        super().__init__(config)
        self.channel = channel

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # Ctrl-C reaches the whole process group, but the parent owns it: it closes the channels and
        # each worker then finishes its requests and exits (no KeyboardInterrupt trace per worker)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, lambda *_: setattr(self, "should_exit", True))
        yield

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=[])
        if self.should_exit:
            return
        self.channel.setblocking(False)
        base, channel = self.config.http_protocol_class, self.channel

        class Reported(base):  # type: ignore[valid-type, misc]
            def connection_lost(self, exc: Exception | None) -> None:
                super().connection_lost(exc)
                with contextlib.suppress(OSError):
                    channel.send(CLOSED)

        loop = asyncio.get_running_loop()

        def protocol() -> asyncio.Protocol:
            return Reported(config=self.config, server_state=self.server_state, app_state=self.lifespan.state)

        def take() -> None:
            try:
                message, fds, _, _ = socket.recv_fds(self.channel, 1024, 64)
                if not message:  # the parent closed the channel: finish and exit
                    raise ConnectionError
            except BlockingIOError:
                return
            except OSError:
                loop.remove_reader(self.channel.fileno())
                self.should_exit = True
                return
            for fd in fds:
                conn = socket.socket(fileno=fd)
                conn.setblocking(False)
                loop.create_task(loop.connect_accepted_socket(protocol, conn))

        loop.add_reader(self.channel.fileno(), take)
        self.channel.send(READY)
