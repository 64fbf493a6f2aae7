"""A replica of a versioned record keeps the newest version, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import Numeric, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from lode_common.database import create_engine, session_factory
from lode_common.replica_rows import keep_newest


class _Own(DeclarativeBase):
    """A metadata of its own: nothing here joins the services' tables."""


class KeptReport(_Own):
    __tablename__ = "test_kept_report"

    report_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    version: Mapped[int]
    closing_10kt: Mapped[Decimal] = mapped_column(Numeric(16, 4))


async def test_a_newer_version_replaces_an_older_one_changes_nothing(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_Own.metadata.create_all)
        sessions = session_factory(engine)
        report = {"report_id": str(uuid.uuid4())}

        async def keep(version: int, closing: str) -> None:
            async with sessions() as session, session.begin():
                await keep_newest(
                    session, KeptReport, report, version, {"closing_10kt": Decimal(closing)}
                )

        async def kept() -> tuple[int, Decimal]:
            async with sessions() as session:
                row = await session.get(KeptReport, report["report_id"])
                assert row is not None
                return row.version, row.closing_10kt

        await keep(1, "100")
        assert await kept() == (1, Decimal(100))
        await keep(3, "90.5")
        assert await kept() == (3, Decimal("90.5"))
        await keep(2, "95")  # an older correction delivered late
        assert await kept() == (3, Decimal("90.5"))
        await keep(3, "1")  # the same version again
        assert await kept() == (3, Decimal("90.5"))
    finally:
        async with engine.begin() as connection:
            await connection.run_sync(_Own.metadata.drop_all)
        await engine.dispose()
