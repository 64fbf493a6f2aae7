"""The compose environment of every Lode container: interpolated as compose does, read by the
settings classes, complete for distributed mode, and with every secret required from .env.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from sqlalchemy.engine import make_url

from lode_common.settings import settings_env_names

from .deployment import (
    COMPOSE_FILE,
    DOTENV,
    Built,
    compose,
    environment,
    lode_containers,
    raw_compose,
    services,
    setting,
    settings_class,
)
from .formats import (
    MissingVariable,
    interpolate,
)


def test_interpolation_follows_compose() -> None:
    env = {"SET": "x", "EMPTY": ""}
    assert interpolate("$${SET} ${SET} $SET", env) == "${SET} x x"
    assert interpolate("${EMPTY:-d} ${EMPTY-d} ${UNSET-d}", env) == "d  d"
    assert interpolate("${SET:+alt} ${EMPTY:+alt}|", env) == "alt |"
    assert interpolate("${SET:?needed}", env) == "x"
    with pytest.raises(MissingVariable, match="EMPTY"):
        interpolate("${EMPTY:?needed}", env)
    with pytest.raises(MissingVariable, match="UNSET"):
        interpolate("a ${UNSET?needed} b", env)


@pytest.mark.parametrize("container", sorted(lode_containers()))
def test_lode_variables_are_read_by_the_settings_class(container: str) -> None:
    service = lode_containers()[container]
    known = settings_env_names(settings_class(service))
    env = environment(services()[container])
    unread = sorted(k for k in env if k.startswith("LODE_") and k not in known)
    assert not unread, (
        f"{container}: {unread} are set but {settings_class(service).__name__} does not read "
        "them (pydantic-settings ignores unknown variables without a word)"
    )


# Settings distributed mode must not leave to their defaults, for every service whose
# settings class reads them (the province exchange, once licensing reads it, included).
DISTRIBUTED_SETTINGS = (
    "ENVIRONMENT",
    "BUS",
    "DATABASE_URL",
    "KAFKA_BOOTSTRAP",
    "ADMIN_TOKEN",
    "JWT_SECRET",
    "PUBLIC_URL",
    "DEMO",
    "PROVINCE_URL",
    "PROVINCE_SECRET",
)


@pytest.mark.parametrize("container", sorted(lode_containers()))
def test_distributed_settings_are_given(container: str) -> None:
    service = lode_containers()[container]
    known = settings_env_names(settings_class(service))
    env = environment(services()[container])
    for name in DISTRIBUTED_SETTINGS:
        if f"LODE_{name}" in known:
            assert setting(env, service, name) is not None, f"{container}: LODE_{name} not set"
    assert setting(env, service, "ENVIRONMENT") == "production"
    assert setting(env, service, "BUS") == "kafka"


def secret_names(service: str) -> list[str]:
    """The settings production refuses to leave at the development default."""
    return sorted(settings_class(service).model_construct()._secrets())


@pytest.mark.parametrize("container", sorted(lode_containers()))
def test_production_secrets_must_come_from_the_environment(container: str) -> None:
    service = lode_containers()[container]
    raw_env = environment(raw_compose()["services"][container])
    secrets = secret_names(service)
    assert {"admin_token", "jwt_secret"} <= set(secrets)
    for secret in secrets:
        key = next(
            (
                k
                for k in (f"LODE_{service.upper()}_{secret.upper()}", f"LODE_{secret.upper()}")
                if k in raw_env
            ),
            None,
        )
        assert key, f"{container}: LODE_{secret.upper()} is not provided"
        # Required (compose refuses to start without it), never a default written here.
        assert re.fullmatch(r"\$\{" + key + r":\?[^}]+\}", raw_env[key]), (
            f"{container}: {key} should be ${{{key}:?message}}, is {raw_env[key]!r}"
        )
        without = {k: v for k, v in DOTENV.items() if k != key}
        with pytest.raises(MissingVariable, match=key):
            compose(without)


def test_every_required_variable_is_documented_and_in_the_test_dotenv() -> None:
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    required = set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*):?\?", text))
    assert required == set(DOTENV), "the required variables changed: update DOTENV"
    comments = "\n".join(line for line in text.splitlines() if line.startswith("#"))
    undocumented = sorted(v for v in required if f"{v}=" not in comments)
    assert not undocumented, f"not in the .env list at the top of the compose file: {undocumented}"
    compose(DOTENV)  # interpolates without a missing variable


@pytest.mark.parametrize("container", sorted(lode_containers()))
def test_settings_validate_in_production_with_the_compose_environment(
    container: str, built: Callable[[str], Built]
) -> None:
    settings = built(container).settings
    assert settings.environment == "production"
    assert settings.bus == "kafka"
    assert settings.admin_token == DOTENV["LODE_ADMIN_TOKEN"]
    assert settings.jwt_secret == DOTENV["LODE_JWT_SECRET"]
    assert make_url(settings.resolved_database_url()).drivername == "postgresql+asyncpg"
    assert settings.demo is False
    assert settings.kafka_partitions == 3
