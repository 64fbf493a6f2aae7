"""Staff sign-in (人员登录, issue 18): ``staff_account`` (officers' accounts: roles, an
argon2id password hash or none, the record of failed sign-ins), ``staff_session`` (signed-in
browsers, found by the SHA-256 of their cookie's secret) and ``staff_oidc_signin`` (OIDC
sign-ins under way: state, nonce and PKCE verifier, used once).

Reporting's own data, not read models: no event feeds them, and ``lode reporting rebuild``
carries the accounts and sessions over to the rebuilt database.

Revision ID: reporting_0012
Revises: reporting_0011
Create Date: 2026-12-14
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "reporting_0012"
down_revision: str | None = "reporting_0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "staff_account",
        sa.Column("username", sa.String(64), primary_key=True),
        sa.Column("display_name", sa.String(300), nullable=False),
        sa.Column("roles", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(200)),
        sa.Column("disabled", sa.Boolean, nullable=False),
        sa.Column("failed_logins", sa.Integer, nullable=False),
        sa.Column("locked_until", TS),
        sa.Column("last_login_at", TS),
        sa.Column("password_changed_at", TS),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
    )
    op.create_table(
        "staff_session",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("secret_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("via", sa.String(10), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("last_used_at", TS, nullable=False),
        sa.Column("idle_expires_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("ended_at", TS),
        sa.Column("ended_reason", sa.String(20)),
    )
    op.create_index("ix_staff_session_username", "staff_session", ["username", "ended_at"])
    op.create_table(
        "staff_oidc_signin",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("state_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("nonce", sa.String(100), nullable=False),
        sa.Column("code_verifier", sa.String(128), nullable=False),
        sa.Column("return_to", sa.String(500), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("used_at", TS),
    )
    op.create_index("ix_staff_oidc_signin_expires", "staff_oidc_signin", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_staff_oidc_signin_expires", table_name="staff_oidc_signin")
    op.drop_table("staff_oidc_signin")
    op.drop_index("ix_staff_session_username", table_name="staff_session")
    op.drop_table("staff_session")
    op.drop_table("staff_account")
