"""Settings: the LODE_ prefix, service-prefixed keys first, secrets refused in production."""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar

import pytest
from pydantic import ValidationError

from lode_common.settings import DEV_SECRET, LodeSettings, settings_env_names

STRONG = "s3cret-long-enough-for-production"


class ZoningLikeSettings(LodeSettings):
    service: ClassVar[str] = "zoning"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Start from no LODE_* variable, whatever the developer's shell exports."""
    for name in list(os.environ):
        if name.upper().startswith("LODE_"):
            monkeypatch.delenv(name)


def test_defaults_without_environment() -> None:
    settings = LodeSettings()
    assert settings.environment == "development"
    assert settings.bus == "memory"
    assert settings.admin_token == DEV_SECRET
    assert settings.resolved_public_url() == "http://127.0.0.1:8000"


def test_reads_lode_prefixed_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LODE_PORT", "8123")
    monkeypatch.setenv("LODE_BUS", "kafka")
    monkeypatch.setenv("LODE_DEMO", "0")
    monkeypatch.setenv("PORT", "9999")  # not ours: ignored
    settings = LodeSettings()
    assert (settings.port, settings.bus, settings.demo) == (8123, "kafka", False)


def test_invalid_value_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LODE_BUS", "rabbitmq")
    with pytest.raises(ValidationError, match="bus"):
        LodeSettings()


def test_service_prefixed_key_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LODE_DATABASE_URL", "sqlite+aiosqlite:///shared.db")
    monkeypatch.setenv("LODE_ZONING_DATABASE_URL", "postgresql+asyncpg://db/zoning")
    assert ZoningLikeSettings().database_url == "postgresql+asyncpg://db/zoning"
    # the plain key still configures a service without its own key, and the base class
    assert LodeSettings().database_url == "sqlite+aiosqlite:///shared.db"


def test_plain_key_applies_when_the_service_key_is_absent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LODE_DATABASE_URL", "sqlite+aiosqlite:///shared.db")
    monkeypatch.setenv("LODE_LICENSING_DATABASE_URL", "postgresql+asyncpg://db/licensing")
    assert ZoningLikeSettings().database_url == "sqlite+aiosqlite:///shared.db"


def test_explicit_arguments_beat_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LODE_ZONING_PORT", "9001")
    assert ZoningLikeSettings(port=9002).port == 9002
    assert ZoningLikeSettings().port == 9001


def test_production_refuses_default_secrets_naming_the_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LODE_ENVIRONMENT", "production")
    with pytest.raises(ValidationError) as caught:
        LodeSettings()
    message = str(caught.value)
    assert "LODE_ADMIN_TOKEN" in message
    assert "LODE_JWT_SECRET" in message
    assert "refused in production" in message


def test_production_refuses_a_short_secret_and_names_only_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LODE_ENVIRONMENT", "production")
    monkeypatch.setenv("LODE_ADMIN_TOKEN", "short")
    monkeypatch.setenv("LODE_JWT_SECRET", STRONG)
    with pytest.raises(ValidationError) as caught:
        LodeSettings()
    assert "LODE_ADMIN_TOKEN" in str(caught.value)
    assert "LODE_JWT_SECRET" not in str(caught.value)


def test_production_accepts_strong_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LODE_ENVIRONMENT", "production")
    monkeypatch.setenv("LODE_ADMIN_TOKEN", STRONG)
    monkeypatch.setenv("LODE_ZONING_JWT_SECRET", STRONG + "-zoning")
    settings = ZoningLikeSettings()
    assert settings.environment == "production"
    assert settings.jwt_secret == STRONG + "-zoning"


def test_production_refuses_a_jwt_secret_too_short_for_hs256(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LODE_ENVIRONMENT", "production")
    monkeypatch.setenv("LODE_ADMIN_TOKEN", STRONG)
    monkeypatch.setenv("LODE_JWT_SECRET", "twenty-chars-secret!")  # 20 bytes
    with pytest.raises(ValidationError, match="LODE_JWT_SECRET"):
        LodeSettings()


def test_development_allows_the_default_secrets() -> None:
    assert LodeSettings(environment="development").jwt_secret == DEV_SECRET


@pytest.mark.parametrize("environment", ["staging", "production"])
def test_every_other_environment_refuses_them(
    monkeypatch: pytest.MonkeyPatch, environment: str
) -> None:
    monkeypatch.setenv("LODE_ENVIRONMENT", environment)
    with pytest.raises(ValidationError, match=f"refused in {environment}"):
        LodeSettings()


def test_resolved_database_url_defaults_to_a_sqlite_file_in_the_data_dir(
    tmp_path: Path,
) -> None:
    url = ZoningLikeSettings(data_dir=tmp_path).resolved_database_url()
    assert url == f"sqlite+aiosqlite:///{tmp_path / 'zoning.db'}"
    assert LodeSettings(data_dir=tmp_path).resolved_database_url().endswith("/lode.db")


def test_resolved_database_url_prefers_the_configured_one(tmp_path: Path) -> None:
    settings = ZoningLikeSettings(data_dir=tmp_path, database_url="postgresql+asyncpg://h/db")
    assert settings.resolved_database_url() == "postgresql+asyncpg://h/db"


def test_resolved_public_url() -> None:
    assert LodeSettings(host="10.1.2.3", port=81).resolved_public_url() == "http://10.1.2.3:81"
    assert LodeSettings(public_url="https://lode.gov.cn").resolved_public_url() == (
        "https://lode.gov.cn"
    )


def test_settings_env_names() -> None:
    base = settings_env_names(LodeSettings)
    assert {"LODE_DATABASE_URL", "LODE_ADMIN_TOKEN", "LODE_BUS", "LODE_DATA_DIR"} <= base
    assert not any(name.startswith("LODE_ZONING_") for name in base)
    zoning = settings_env_names(ZoningLikeSettings)
    assert base < zoning
    assert {"LODE_ZONING_DATABASE_URL", "LODE_ZONING_JWT_SECRET"} <= zoning
    assert "LODE_SERVICE" not in zoning  # a class constant, not a setting


def test_every_listed_name_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """settings_env_names is what compose/k8s checks trust: each name must take effect."""
    monkeypatch.setenv("LODE_ZONING_LOG_LEVEL", "DEBUG")
    monkeypatch.setenv("LODE_RELAY_BATCH", "7")
    assert "LODE_ZONING_LOG_LEVEL" in settings_env_names(ZoningLikeSettings)
    settings = ZoningLikeSettings()
    assert (settings.log_level, settings.relay_batch) == ("DEBUG", 7)


def test_the_metrics_token_is_optional_but_never_short_in_production(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LODE_ENVIRONMENT", "production")
    monkeypatch.setenv("LODE_ADMIN_TOKEN", STRONG)
    monkeypatch.setenv("LODE_JWT_SECRET", STRONG)
    settings = LodeSettings()
    assert settings.metrics_token == ""  # the metrics answer the machine itself only
    assert settings.metrics_public is False
    monkeypatch.setenv("LODE_METRICS_TOKEN", "scrape")
    with pytest.raises(ValidationError, match="LODE_METRICS_TOKEN"):
        LodeSettings()
    monkeypatch.setenv("LODE_METRICS_TOKEN", STRONG + "-metrics")
    monkeypatch.setenv("LODE_METRICS_PUBLIC", "1")
    settings = LodeSettings()
    assert settings.metrics_token == STRONG + "-metrics"
    assert settings.metrics_public is True
