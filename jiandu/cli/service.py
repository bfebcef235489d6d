"""Commands that run services: the HTTP API, its keys, the embedded database server."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import uvicorn

from jiandu.api.app import create_app
from jiandu.api.dealer import serve
from jiandu.api.keys import ROLES, KeyStore
from jiandu.api.protocol import JsonErrorsProtocol
from jiandu.cli.output import err, out
from jiandu.graph.connect import data_folder_of
from jiandu.graph.embedded import EmbeddedServer

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def default_workers() -> int:
    """API worker processes: two per core, since a worker waiting on the store leaves its core to
    another, at most four, since each holds its own pinyin index (hundreds of MB at a million
    nodes). Cores are those this process may run on (a container may have fewer than its host)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return min(4, 2 * cores)


def cmd_serve(args: argparse.Namespace) -> int:
    if args.host not in LOOPBACK and not args.public:
        err.print("只在本机回环地址上提供服务；在容器内请加 --public (serving on loopback only; add --public "
                  "inside a container)")
        return 2
    # views built at once per worker: about four across the server, so waits on the store overlap
    # while each view, once begun, finishes before the next
    settings = args.settings.with_flags(view_cache_mb=args.view_cache_mb,
                                        view_builds=args.settings.view_builds or max(1, 4 // max(args.workers, 1)))
    out.print(f"jiandu API: http://{args.host}:{args.port}/docs (Ctrl-C 停止 to stop)")
    if args.workers > 1:  # each worker process opens the store itself; the embedded server is shared
        return serve(args.host, args.port, args.workers, settings)
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="warning", access_log=False,
                http=JsonErrorsProtocol)
    return 0


def cmd_keys(args: argparse.Namespace) -> int:
    # the folder `jiandu serve` reads its keys from, for the same --store: else a key made for an
    # embedded store elsewhere would be refused by the server
    keys = KeyStore(Path(args.data or data_folder_of(args.settings.store, args.settings)) / "api_keys.json")
    if args.action == "create":
        out.print(keys.create(args.role, args.name or ""))
        err.print("请保存此密钥，它不会再次显示 (keep this key: it is not shown again)")
    elif args.action == "revoke":
        if not keys.revoke(args.key_id):
            err.print("没有该密钥或已吊销 (no such key, or already revoked)")
            return 1
        out.print("已吊销 (revoked)")
    else:
        for entry in keys.list():
            out.print(json.dumps(entry, ensure_ascii=False))
    return 0


def cmd_server(args: argparse.Namespace) -> int:
    server = EmbeddedServer(args.path)
    pid = server.server_pid()
    if args.action == "status":
        kept = "; 保持运行直到 stop (kept until `jiandu server stop`)" if server.kept.exists() else ""
        out.print(f"运行中 (running), pid {pid}{kept}" if pid else "未运行 (not running)")
    elif args.action == "start":
        out.print(f"运行中 (running), pid {server.start()}; 保持运行直到 jiandu server stop (kept until stop)")
    elif args.action == "stop":
        server.stop()
        out.print("已停止 (stopped)")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="启动 HTTP API start the HTTP API")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--public", action="store_true", help="允许非回环地址 (containers only)")
    workers = default_workers()
    p.add_argument("--workers", type=int, default=workers,
                   help=f"工作进程数 worker processes (default: two per core, at most 4: {workers} here)")
    p.add_argument("--view-cache-mb", type=float, default=None,
                   help="视图缓存上限 view cache in the data folder, shared by the workers, MB (0 = off; "
                        "default 256); kept until the graph changes")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("keys", help="API 密钥 API keys")
    p.add_argument("action", choices=["create", "list", "revoke"])
    p.add_argument("--role", choices=list(ROLES), default="viewer")
    p.add_argument("--name")
    p.add_argument("key_id", nargs="?")
    p.add_argument("--data", help="数据目录 data folder (默认 default: the store's, as `jiandu serve` uses)")
    p.set_defaults(func=cmd_keys)

    p = sub.add_parser("server", help="内置数据库 the embedded FalkorDB server")
    p.add_argument("action", choices=["status", "start", "stop"],
                   help="start: 启动并保持运行, 直到 stop start and keep it running until stop")
    p.add_argument("--path", type=Path, default=Path(".jiandu"))
    p.set_defaults(func=cmd_server)
