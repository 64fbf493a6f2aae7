"""Output reports taken before reporting kept their output value get it back from the
journal on upgrade (migration reporting_0005), so an upgraded deployment sums what a rebuild
would."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import MetaData, Table, insert, text
from sqlalchemy.engine import Connection

from lode_common.database import create_engine, migrate
from lode_common.testing.services import PostgresServer
from lode_reporting.bootstrap import SPEC
from services.reporting.tests.integration.events import output

C1 = "C1308812018019900000001"


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
async def test_output_values_of_earlier_reports_are_read_back_from_the_journal(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'reporting.db'}"
    else:
        pg: PostgresServer = request.getfixturevalue("postgres_server")
        url = pg.url(pg.create_database("lode_reporting_0005"))
    valued = output("o1", C1, value="6800.5")
    unvalued = output("o2", C1, year=2023)
    engine = create_engine(url)
    try:
        await migrate(engine, SPEC.migrations_dir, "reporting_0004")
        async with engine.begin() as conn:
            journal = await conn.run_sync(_table, "reporting_journal")
            outputs = await conn.run_sync(_table, "reporting_output")
            for envelope in (valued, unvalued):
                data = envelope.data
                await conn.execute(
                    insert(journal).values(
                        event_id=envelope.id,
                        type=envelope.type,
                        subject=envelope.subject,
                        licence_no=C1,
                        time=datetime(2024, 3, 1, tzinfo=UTC),
                        envelope=envelope.model_dump(mode="json", exclude_none=True),
                    )
                )
                await conn.execute(
                    insert(outputs).values(
                        report_id=data["report_id"],
                        version=1,
                        licence_no=C1,
                        year=data["year"],
                        period="annual",
                        ore_mined_10kt=Decimal(100),
                        products=[],
                        illustrative=False,
                        event_id=envelope.id,
                    )
                )
        await migrate(engine, SPEC.migrations_dir)
        await migrate(engine, SPEC.migrations_dir)  # a second start changes nothing
        async with engine.connect() as conn:
            values = dict(
                (
                    await conn.execute(
                        text("SELECT report_id, output_value_cny_10k FROM reporting_output")
                    )
                ).all()
            )
            tables = (await conn.run_sync(_table, "reporting_reserves")).name
    finally:
        await engine.dispose()
    assert {k: None if v is None else Decimal(str(v)) for k, v in values.items()} == {
        "o1": Decimal("6800.5"),
        "o2": None,
    }
    assert tables == "reporting_reserves"


def _table(connection: Connection, name: str) -> Table:
    """The table as the database holds it at the revision migrated to."""
    metadata = MetaData()
    metadata.reflect(bind=connection, only=[name])
    return metadata.tables[name]
