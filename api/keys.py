"""API keys: created with a role, stored hashed, revocable.

A key is `jd_<key id>_<secret>`; only sha256(secret) is stored, in `<data>/api_keys.json`.
Roles nest: viewer < investigator < supervisor < admin (a supervisor accepts and closes ledger items).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from pathlib import Path

ROLES = ("viewer", "investigator", "supervisor", "admin")


@dataclass(frozen=True)
class Key:
    key_id: str
    role: str
    name: str

    def can(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)


class KeyStore:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._cache: tuple[tuple, dict] | None = None

    def _load(self) -> dict:
        # re-read only when the file changed (a key created or revoked by `jiandu keys` in another
        # process takes effect at once; a request costs one stat, not a parse)
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return {}
        stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        if self._cache is None or self._cache[0] != stamp:
            self._cache = (stamp, json.loads(self.path.read_text(encoding="utf-8")))
        return self._cache[1]

    def _save(self, data: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.chmod(0o600)
        tmp.replace(self.path)

    def _locked(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path.with_suffix(".lock"), "a+")  # noqa: SIM115 - released by the caller's with
        fcntl.flock(fh, fcntl.LOCK_EX)
        return fh

    def create(self, role: str, name: str = "") -> str:
        if role not in ROLES:
            raise ValueError(f"未知角色 (unknown role) {role!r}; roles: {', '.join(ROLES)}")
        key_id, secret = secrets.token_hex(4), secrets.token_urlsafe(24)
        with self._locked():
            data = self._load()
            data[key_id] = {"role": role, "name": name, "sha256": hashlib.sha256(secret.encode()).hexdigest(),
                            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "revoked": None}
            self._save(data)
        return f"jd_{key_id}_{secret}"

    def revoke(self, key_id: str) -> bool:
        with self._locked():
            data = self._load()
            if key_id not in data or data[key_id]["revoked"]:
                return False
            data[key_id]["revoked"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            self._save(data)
        return True

    def list(self) -> list[dict]:
        return [{"key_id": k, **{f: v for f, v in entry.items() if f != "sha256"}} for k, entry in self._load().items()]

    def verify(self, presented: str | None) -> Key | None:
        if not presented or not presented.startswith("jd_") or presented.count("_") < 2:
            return None
        _, key_id, secret = presented.split("_", 2)
        entry = self._load().get(key_id)
        if not entry or entry["revoked"]:
            return None
        if not hmac.compare_digest(entry["sha256"], hashlib.sha256(secret.encode()).hexdigest()):
            return None
        return Key(key_id, entry["role"], entry.get("name", ""))
