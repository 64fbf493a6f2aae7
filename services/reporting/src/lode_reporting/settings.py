"""Settings of the reporting service: ``LODE_REPORTING_*`` first, then ``LODE_*``."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from pydantic import Field, SecretStr

from lode_common.limits import PLAN_ID_MAX
from lode_common.plan.data import PINGQUAN_PLAN_ID
from lode_common.settings import LodeSettings
from lode_reporting.accounts.domain import PASSWORD_MIN_FLOOR
from lode_reporting.domain.status import Rules


class ReportingSettings(LodeSettings):
    service: ClassVar[str] = "reporting"

    plan_id: str = Field(
        PINGQUAN_PLAN_ID,
        min_length=1,
        max_length=PLAN_ID_MAX,
        pattern=r"^[a-z0-9][a-z0-9-]*$",
        description="the plan the dashboard shows and a request names when it gives no plan_id",
    )
    tolerance_pct: Decimal = Field(
        Decimal(10),
        ge=0,
        le=100,
        description="the band of a '±' target (200万吨左右), per cent of the target",
    )
    at_risk_margin_pct: Decimal = Field(
        Decimal(10),
        ge=0,
        le=100,
        description="how far behind the path an indicator is at_risk before it is not_met",
    )
    stream_ping_s: float = Field(15.0, gt=0, description="SSE keep-alive comment interval")
    stream_poll_s: float = Field(
        2.0,
        gt=0,
        description="how often the SSE stream re-reads the journal when no in-process "
        "notification came (another process committed the events)",
    )

    cjk_font: str | None = Field(
        None,
        description="a TrueType CJK font file for the PDF report (default: the Debian paths of "
        "fonts-wqy-microhei, fonts-wqy-zenhei, fonts-noto-cjk, then the built-in STSong-Light)",
    )

    # ---- staff sign-in (issue 18): lode_reporting.accounts ----------------------------------
    # GB/T 22239-2019 (网络安全等级保护基本要求, 等保2.0) 8.1.4.1 a) and b) ask for 身份鉴别 with
    # 登录失败处理 (limited failures, then a lock-out) and 登录连接超时自动退出 (sessions ended
    # after idling); the standard names no figures: every figure below is Lode's own default.
    session_idle_min: int = Field(
        30,
        ge=1,
        le=24 * 60,
        description="minutes a signed-in officer's session lives without use (each new access "
        "token slides it); GB/T 22239-2019 8.1.4.1 b) 登录连接超时自动退出; 30 is Lode's default, "
        "not a figure of the standard",
    )
    session_absolute_h: int = Field(
        12,
        ge=1,
        le=24 * 30,
        description="hours a session lives at most, used or not (sign in again after); "
        "GB/T 22239-2019 8.1.4.1 b) 登录连接超时自动退出; 12 is Lode's default, not the standard's",
    )
    session_access_ttl_s: int = Field(
        300,
        ge=30,
        le=3600,
        description="seconds a staff token handed out by POST /reporting/v1/session/token lives: "
        "after logout or disabling an account no new token is issued, and one issued before "
        "lives at most this long; GB/T 22239-2019 8.1.4.1 b); 300 is Lode's default",
    )
    login_max_failures: int = Field(
        5,
        ge=1,
        le=100,
        description="consecutive wrong passwords that lock an account (登录失败处理); "
        "GB/T 22239-2019 8.1.4.1 b) 应具有登录失败处理功能…限制非法登录次数; 5 is Lode's "
        "default, not a figure of the standard",
    )
    login_lockout_min: int = Field(
        15,
        ge=1,
        le=24 * 60,
        description="minutes an account stays locked after login_max_failures wrong passwords "
        "(an admin may unlock it sooner); GB/T 22239-2019 8.1.4.1 b) 登录失败处理; 15 is Lode's "
        "default, not a figure of the standard",
    )
    password_min_length: int = Field(
        PASSWORD_MIN_FLOOR,
        ge=PASSWORD_MIN_FLOOR,
        le=128,
        description="the fewest characters of a staff password (10 at least: the API documents "
        "state that floor); GB/T 22239-2019 8.1.4.1 a) 身份鉴别信息具有复杂度要求; 10 is Lode's "
        "default, not a figure of the standard",
    )
    oidc_issuer: str | None = Field(
        None,
        max_length=500,
        pattern=r"^https?://[^\s]+$",
        description="the organisation's OpenID Connect provider (its issuer URL; the discovery "
        "document is <issuer>/.well-known/openid-configuration); unset: OIDC sign-in is off "
        "and officers sign in with local accounts (LODE_OIDC_ISSUER)",
    )
    oidc_client_id: str = Field(
        "lode", max_length=200, description="this system's client id at the OIDC provider"
    )
    oidc_client_secret: SecretStr | None = Field(
        None,
        description="the client secret at the OIDC provider; unset: a public client, protected "
        "by PKCE (S256) alone",
    )
    oidc_scopes: str = Field(
        "openid profile email",
        max_length=500,
        pattern=r"(^|\s)openid(\s|$)",
        description="the scopes asked of the provider (must include openid)",
    )
    oidc_username_claim: str = Field(
        "preferred_username",
        min_length=1,
        max_length=100,
        description="the ID token claim naming the local account an officer signs in as",
    )
    oidc_roles_claim: str | None = Field(
        None,
        max_length=100,
        description="a claim carrying the officer's roles (a list, or space-separated); when "
        "set, an officer without a local account gets one with the staff roles it names; "
        "unset: an administrator creates every account first",
    )
    oidc_display_name: str = Field(
        "统一身份认证 / Single sign-on",
        min_length=1,
        max_length=100,
        description="what the login page calls the OIDC provider's button",
    )

    # ---- public disclosure (信息公示, issue 18): lode_reporting.public ---------------------
    # No law gives these figures: each is Lode's own default, sized so that a crawler of
    # /public/v1/* cannot take the staff's database connections (pool 10 + 10 overflow).
    public_cache_s: float = Field(
        60.0,
        ge=0,
        le=3600,
        description="seconds a public answer is kept and may be cached by browsers "
        "(Cache-Control max-age); 0 turns the cache off; 60 is Lode's default",
    )
    public_cache_entries: int = Field(
        512,
        ge=1,
        le=100_000,
        description="public answers kept at once (the least recently used goes first); "
        "Lode's default",
    )
    public_rate_per_min: float = Field(
        120.0,
        gt=0,
        le=100_000,
        description="public requests a client address may make per minute, sustained (token "
        "bucket); over it: 429 with Retry-After; 120 is Lode's default",
    )
    public_rate_burst: int = Field(
        60,
        ge=1,
        le=100_000,
        description="public requests a client address may make at once before the per-minute "
        "rate applies (a page load asks for several); 60 is Lode's default",
    )
    public_clients_max: int = Field(
        10_000,
        ge=1,
        le=1_000_000,
        description="client addresses the rate limit remembers (the least recently seen is "
        "forgotten first, and starts again with a full burst); Lode's default",
    )
    public_concurrency: int = Field(
        4,
        ge=1,
        le=64,
        description="public queries that may use the database at once; the others wait "
        "public_queue_wait_s, then get 503 with Retry-After; 4 is Lode's default",
    )
    public_queue_wait_s: float = Field(
        2.0,
        ge=0,
        le=60,
        description="seconds a public request waits for one of the public_concurrency places "
        "before it gets 503; Lode's default",
    )
    public_map_features_max: int = Field(
        2000,
        ge=1,
        le=100_000,
        description="licences the public map (GET /public/v1/licences/map) draws at most, by "
        "licence number; beyond, the collection says truncated and the filters narrow it; "
        "Lode's default (a county has hundreds)",
    )
    public_rejection_reasons: bool = Field(
        True,
        description="publish a rejected application's reason (不予许可的理由) with the decision; "
        "行政许可法 art. 38 wants the reason given to the applicant and art. 40 makes only "
        "approvals public, so publishing it is the bureau's choice; on is Lode's default",
    )

    def status_rules(self) -> Rules:
        return Rules(tolerance_pct=self.tolerance_pct, margin_pct=self.at_risk_margin_pct)
