"""Settings shared by every service (pydantic-settings, ``LODE_`` prefix).

A service's own key comes first: ``LODE_ZONING_DATABASE_URL`` wins over
``LODE_DATABASE_URL`` for the zoning service, so one environment can configure the
four services apart or together. Default secrets are refused outside development.
"""

from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import ClassVar, Literal

from pydantic import Field, model_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

DEV_SECRET = "development-only-insecure-secret-change-me"  # noqa: S105 - refused elsewhere
MIN_SECRET_BYTES = 32  # HS256 keys: RFC 7518 section 3.2
MIN_AUDIT_RETENTION_DAYS = 184
"""网络安全法 art. 21(3): network logs are kept "不少于六个月" (no less than six months); the
longest six calendar months (1 July to 31 December) are 184 days."""


class LodeSettings(BaseSettings):
    """Settings every service shares; subclasses set ``service`` and add their own."""

    model_config = SettingsConfigDict(env_prefix="LODE_", extra="ignore")

    service: ClassVar[str] = ""

    environment: Literal["development", "staging", "production"] = Field(
        "development", description="only development accepts the default secrets"
    )
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = Path("var")
    database_url: str = Field(
        "", description="SQLAlchemy async URL; empty means a SQLite file in data_dir"
    )
    bus: Literal["memory", "kafka"] = "memory"
    kafka_bootstrap: str = "127.0.0.1:9092"
    kafka_partitions: int = Field(3, ge=1, description="partitions of each topic created")
    kafka_replication: int = Field(1, ge=1)
    kafka_idempotence: bool = Field(
        True, description="producer idempotence; the local Tansu test broker needs it off"
    )
    kafka_session_timeout_ms: int = 10_000
    kafka_fetch_max_wait_ms: int = 10
    kafka_idle_fetch_max_wait_ms: int = Field(
        100,
        ge=0,
        description="how long the broker may hold a consumer's fetch once it has been idle "
        "(the first event after a quiet spell waits up to this; fewer empty fetches)",
    )
    kafka_idle_after_s: float = Field(
        1.0, gt=0, description="seconds without records before a consumer counts as idle"
    )
    admin_token: str = Field(DEV_SECRET, description="bootstrap admin token (all staff roles)")
    jwt_secret: str = Field(DEV_SECRET, description="HS256 key of staff tokens")
    metrics_token: str = Field(
        "",
        description="the bearer token a Prometheus scrape sends to /<service>/metrics; empty: "
        "the metrics answer only requests made on the machine itself (loopback)",
    )
    metrics_public: bool = Field(
        False, description="serve /<service>/metrics to anyone without a token (a closed network)"
    )
    public_url: str = ""
    demo: bool = True
    log_level: str = "INFO"
    log_json: bool = True
    relay_batch: int = Field(500, ge=1)
    relay_max_backoff_s: float = Field(5.0, gt=0)
    inbox_max_attempts: int = Field(3, ge=1)
    retention_outbox_days: float = Field(
        7, ge=0, description="delete outbox rows sent longer ago than this (0: keep them)"
    )
    retention_inbox_days: float = Field(
        0,
        ge=0,
        description="delete inbox rows handled longer ago than this (0, the default: keep "
        "them); set it only below the time an event can come back — the topics' retention "
        "and the broker's offsets.retention for an idle consumer group",
    )
    retention_idempotency_days: float = Field(
        7, ge=0, description="forget Idempotency-Key answers older than this (0: keep them)"
    )
    retention_every_s: float = Field(3600, gt=0, description="how often the retention job runs")
    audit_seal_every_s: float = Field(
        1.0, gt=0, description="how often the audit log's sealer chains new entries, seconds"
    )
    audit_anchor_time: time = Field(
        time(0, 5),
        description="when each day (China Standard Time) the audit chain's head is anchored "
        "(an audit.anchor entry and the service's audit.anchored event) and the log pruned",
    )
    audit_retention_days: int = Field(
        MIN_AUDIT_RETENTION_DAYS,
        description="keep audit entries at least this many days (网络安全法 art. 21: network "
        f"logs kept no less than six months; {MIN_AUDIT_RETENTION_DAYS} days is the longest "
        "six calendar months, the least accepted); older ones are pruned only up to an "
        "anchored entry",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings]
        if cls.service:
            prefix = f"LODE_{cls.service.upper()}_"
            sources.append(EnvSettingsSource(settings_cls, env_prefix=prefix))
        sources += [env_settings, dotenv_settings, file_secret_settings]
        return tuple(sources)

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> LodeSettings:
        if self.environment != "development":
            weak = [
                name
                for name, value in self._secrets().items()
                if value == DEV_SECRET or len(value.encode()) < MIN_SECRET_BYTES
            ]
            if self.metrics_token and len(self.metrics_token.encode()) < MIN_SECRET_BYTES:
                weak.append("metrics_token")  # optional, but never a short one
            if weak:
                names = ", ".join(f"LODE_{n.upper()}" for n in weak)
                raise ValueError(
                    f"{names}: the development default (or a secret shorter than "
                    f"{MIN_SECRET_BYTES} bytes) is refused in {self.environment}; set a "
                    "strong random value, e.g. the output of 'openssl rand -base64 48'"
                )
        return self

    @model_validator(mode="after")
    def _refuse_short_audit_retention(self) -> LodeSettings:
        if self.audit_retention_days < MIN_AUDIT_RETENTION_DAYS:
            raise ValueError(
                f"LODE_AUDIT_RETENTION_DAYS={self.audit_retention_days}：审计日志须留存不少于六个"
                f"月（网络安全法第二十一条），最少 {MIN_AUDIT_RETENTION_DAYS} 天 — the audit log "
                "must be kept at least six months (Cybersecurity Law art. 21): set "
                f"{MIN_AUDIT_RETENTION_DAYS} days or more"
            )
        return self

    def _secrets(self) -> dict[str, str]:
        return {"admin_token": self.admin_token, "jwt_secret": self.jwt_secret}

    def resolved_database_url(self) -> str:
        """The database URL, or a SQLite file ``<data_dir>/<service>.db``."""
        if self.database_url:
            return self.database_url
        name = self.service or "lode"
        return f"sqlite+aiosqlite:///{self.data_dir / f'{name}.db'}"

    def resolved_public_url(self) -> str:
        return self.public_url or f"http://{self.host}:{self.port}"


def settings_env_names(settings_cls: type[LodeSettings]) -> set[str]:
    """Every environment variable a settings class reads (for compose/k8s checks)."""
    names = {f"LODE_{name.upper()}" for name in settings_cls.model_fields}
    if settings_cls.service:
        prefix = f"LODE_{settings_cls.service.upper()}_"
        names |= {f"{prefix}{name.upper()}" for name in settings_cls.model_fields}
    return names
