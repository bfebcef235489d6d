"""Settings: one object, read from flags, then the environment (``JIANDU_…``), then defaults.

The CLI builds one from its flags and passes it on: to the store it opens, to the API app and
to each of the API's worker processes. Nothing is handed over through ``os.environ``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_STORE = "falkordb+embedded://./.jiandu"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JIANDU_", env_ignore_empty=True, extra="ignore", frozen=True)

    store: str = Field(DEFAULT_STORE, description="存储地址 store URL")
    data_dir: Path | None = Field(None, description="数据目录 folder for keys, the audit log, caches and rejects "
                                                    "(default: the embedded store's folder, else ./.jiandu)")
    neo4j_user: str = Field("neo4j", validation_alias=AliasChoices("NEO4J_USER", "JIANDU_NEO4J_USER"))
    neo4j_password: str = Field("", validation_alias=AliasChoices("NEO4J_PASSWORD", "JIANDU_NEO4J_PASSWORD"))
    neo4j_database: str | None = Field(None, validation_alias=AliasChoices("NEO4J_DATABASE",
                                                                           "JIANDU_NEO4J_DATABASE"))
    # the driver's default (30 s) suits a cluster's leader switch; against one server it makes a
    # dead database look like a hung jiandu: every statement would retry for half a minute
    neo4j_retry_seconds: float = Field(5.0, ge=0, description="Neo4j 事务重试时限 how long a failing "
                                                              "transaction is retried, seconds")
    # the API
    view_cache_mb: float = Field(256, ge=0, description="视图缓存上限 MB, 0 = off")
    view_builds: int | None = Field(None, ge=1, description="views one API process builds at once "
                                                            "(default: about four across the server's workers)")
    cypher_timeout_ms: int = Field(10_000, ge=1)
    max_rows: int = Field(5_000, ge=1)

    def with_flags(self, **flags: Any) -> Settings:
        """A copy with the flags that were given (None: not given) taking precedence."""
        given = {k: v for k, v in flags.items() if v is not None}
        return self.model_copy(update=given) if given else self
