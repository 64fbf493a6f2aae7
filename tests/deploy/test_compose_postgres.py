"""PostgreSQL in docker-compose.yml: deploy/postgres/init.sql creates one database and login role
per service, matching each service's database URL, with passwords only from .env.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy.engine import URL, make_url

from .deployment import (
    DOTENV,
    SERVICES,
    environment,
    init_sql,
    services,
    setting,
)


@pytest.mark.parametrize("service", SERVICES)
def test_postgres_init_creates_the_database_in_the_service_url(service: str) -> None:
    resolved = services()
    url: URL = make_url(setting(environment(resolved[service]), service, "DATABASE_URL") or "")
    assert url.drivername == "postgresql+asyncpg"
    assert url.host == "postgres"
    assert (url.port or 5432) == 5432
    postgres = resolved[url.host]
    assert re.fullmatch(r"postgres:16([.-].*)?", postgres["image"]), postgres["image"]
    sql = init_sql()
    database, user = url.database, url.username
    assert database
    assert user
    assert re.search(rf"^CREATE DATABASE {database} OWNER {user}\b", sql, re.M), (
        f"init.sql does not create database {database} owned by {user}"
    )
    role = re.search(rf"^CREATE ROLE {user} LOGIN PASSWORD :'(\w+)';", sql, re.M)
    assert role, f"init.sql does not create the login role {user}"
    getenv = re.search(rf"^\\getenv {role[1]} (\w+)$", sql, re.M)
    assert getenv, f"init.sql does not read the password of {user} from the environment"
    # The password postgres is given for the role is the one in the service's URL.
    assert environment(postgres).get(getenv[1]) == url.password


def test_postgres_has_one_database_and_role_per_service_and_runs_init_sql() -> None:
    urls = [
        make_url(setting(environment(services()[s]), s, "DATABASE_URL") or "") for s in SERVICES
    ]
    assert len({u.database for u in urls}) == len(SERVICES)
    assert len({u.username for u in urls}) == len(SERVICES)
    postgres = services()["postgres"]
    mounts = [v for v in postgres["volumes"] if isinstance(v, str)]
    init = [m for m in mounts if m.split(":")[0] == "./deploy/postgres/init.sql"]
    assert init, "init.sql is not mounted"
    target = init[0].split(":")[1]
    assert target.startswith("/docker-entrypoint-initdb.d/")
    assert target.endswith(".sql")
    assert environment(postgres).get("POSTGRES_PASSWORD") == DOTENV["POSTGRES_PASSWORD"]
    # The health check goes over TCP: the image's init-time server only has the socket.
    assert "-h 127.0.0.1" in " ".join(postgres["healthcheck"]["test"])
    sql = init_sql()
    assert "\\set ON_ERROR_STOP on" in sql
    assert "PASSWORD '" not in sql, "no literal password in init.sql"
