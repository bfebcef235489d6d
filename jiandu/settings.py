"""Settings: one object, read from flags, then the environment (``JIANDU_…``), then defaults.

The CLI builds one from its flags and passes it on: to the store it opens, to the API app and
to each of the API's worker processes. Nothing is handed over through ``os.environ``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import AliasChoices, Field, field_validator
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
    # ingest: one CSV field may hold this many characters; a longer one is a reject naming the limit
    max_field_chars: int = Field(16 * 1024 * 1024, ge=1024, description="CSV 单个字段上限(字符) characters in one "
                                                                       "CSV field")
    # the API
    view_cache_mb: float = Field(256, ge=0, description="视图缓存上限 MB, 0 = off")
    view_builds: int | None = Field(None, ge=1, description="views one API process builds at once "
                                                            "(default: about four across the server's workers)")
    max_body_mb: float = Field(16, gt=0, description="请求体上限 MB the largest request body the API reads")
    audit_rotate_mb: float = Field(64, gt=0, description="审计日志轮换大小 MB the audit log is rotated past this")
    cypher_timeout_ms: int = Field(10_000, ge=1)
    max_rows: int = Field(5_000, ge=1)
    # the ledger: months past its deadline at which an item not closed turns 蓝, 黄, 红
    # (JIANDU_LEDGER_COLOUR_MONTHS='[1,3,6]'), and the term an alert's item gets to be rectified
    ledger_colour_months: tuple[int, int, int] = Field((1, 3, 6), description="预警颜色阈值(月) months past the "
                                                       "deadline for 蓝/黄/红")
    ledger_term_months: int = Field(3, ge=1, description="预警问题整改期限(月) months an alert's item has")

    @field_validator("ledger_colour_months")
    @classmethod
    def _rising(cls, months: tuple[int, int, int]) -> tuple[int, int, int]:
        if not 0 <= months[0] < months[1] < months[2]:
            raise ValueError("ledger_colour_months must rise: 蓝 < 黄 < 红, e.g. [1, 3, 6]")
        return months

    def with_flags(self, **flags: Any) -> Settings:
        """A copy with the flags that were given (None: not given) taking precedence."""
        given = {k: v for k, v in flags.items() if v is not None}
        return self.model_copy(update=given) if given else self
