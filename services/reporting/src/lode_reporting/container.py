"""The reporting service's parts, typed: built once by ``bootstrap.build``, reached by the
routes as ``api.deps.Service`` and by anything holding the runtime as
``Reporting.of(runtime)``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from lode_common.api_keys import ReplicaKeyLookup
from lode_common.container import ServiceContainer
from lode_common.cst import cst_date
from lode_common.plan.replica import PlanReplica
from lode_reporting.accounts.signin import StaffSignIn
from lode_reporting.domain.status import Rules
from lode_reporting.public.protection import PublicGuard
from lode_reporting.queries.facts import FactsCache
from lode_reporting.report.fonts import CjkFont, find_cjk_font
from lode_reporting.settings import ReportingSettings
from lode_reporting.signal import JournalSignal


@dataclass
class Reporting(ServiceContainer):
    """What reporting built on its runtime."""

    settings: ReportingSettings
    plans: PlanReplica
    """The plan in force, from zoning's ``plan.published`` (the shared replica)."""
    journal: JournalSignal
    """Wakes the SSE streams when the inbox commits new journal entries."""
    api_keys: ReplicaKeyLookup
    """Mines' API keys, from monitoring's events (a mine's key is refused here, by role)."""
    sign_in: StaffSignIn
    """Staff accounts and sessions: the password hasher, the OIDC provider, the clock."""
    facts: FactsCache = field(default_factory=FactsCache)
    today: Callable[[], date] = field(default=lambda: cst_date(datetime.now(UTC)))
    """Today in China Standard Time: where a plan stands (its period ended or not)."""
    _font: CjkFont | None = field(default=None, init=False, repr=False)
    _public: PublicGuard | None = field(default=None, init=False, repr=False)

    @property
    def rules(self) -> Rules:
        return self.settings.status_rules()

    def etag(self, state: tuple[int, int], plan_version: int) -> str:
        """A weak validator of an answer computed from the read models: their state (named
        by the journal: :func:`~lode_reporting.queries.facts.journal_state`), the plan
        version and the status rules."""
        rules = self.rules
        seq, count = state
        return f'W/"{seq}.{count}.{plan_version}.{rules.tolerance_pct}.{rules.margin_pct}"'

    def public_guard(self) -> PublicGuard:
        """The public API's cache, rate limit and bound on database work (one per service
        instance: :mod:`lode_reporting.public.protection`)."""
        if self._public is None:
            self._public = PublicGuard(self.settings)
        return self._public

    def pdf_font(self) -> CjkFont:
        """The PDF report's CJK font, looked up (and registered with reportlab) once."""
        if self._font is None:
            self._font = find_cjk_font(self.settings.cjk_font)
        return self._font
