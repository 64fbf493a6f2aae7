"""Errors the licensing domain raises on purpose.

Exception tree (with the HTTP status the API layer is expected to map each to)::

    LicensingError               base of every deliberate domain error
    ├── InvalidInput        422  ``errors``: every offending field at once, as
    │   │                        ``FieldError(field, message)``; ``as_dicts()`` gives
    │   │                        ``[{"field", "message"}]`` for problem details
    │   └── InvalidApplication   an application (申请) that fails validation
    ├── IllegalTransition   409  an action the current state does not allow; carries
    │                            ``current_state``, ``action`` and ``allowed`` (the actions
    │                            that are allowed now), all named in the message
    ├── AlreadyDecided      409  a decision that differs from the one already recorded;
    │                            carries ``current_state`` and the ``recorded`` decision
    ├── RenewalRefused      409  a licence renewal (延续) filed later than the notice
    │                            period before expiry, without the "late" flag
    ├── RuleDocumentInvalid 422  the plan document (规划 + 国家标准) cannot be read as
    │                            rules; ``path`` is where in the document, ``problem`` what
    └── SignatureRejected   401  a province platform callback refused; ``reason`` is one of
                                 ``stale``, ``bad_signature``, ``replayed``, ``malformed``

Every message says what was wrong in words the caller can act on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class FieldError:
    """One invalid field: ``field`` is a dotted path (``capacity.unit``, ``depth_m``)."""

    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


class LicensingError(Exception):
    """Base of every deliberate licensing domain error."""


class InvalidInput(LicensingError):
    """Input with one or more invalid fields; ``errors`` lists all of them."""

    def __init__(self, errors: Iterable[FieldError], detail: str | None = None) -> None:
        self.errors: tuple[FieldError, ...] = tuple(errors)
        summary = "; ".join(f"{e.field}: {e.message}" for e in self.errors)
        super().__init__(detail or summary or "invalid input")

    def as_dicts(self) -> list[dict[str, str]]:
        return [error.as_dict() for error in self.errors]


class InvalidApplication(InvalidInput):
    """An application (采矿权/探矿权申请) that fails validation."""


class IllegalTransition(LicensingError):
    """An action the current state does not allow."""

    def __init__(self, *, current_state: str, action: str, allowed: Sequence[str]) -> None:
        self.current_state = current_state
        self.action = action
        self.allowed: tuple[str, ...] = tuple(allowed)
        allowed_text = ", ".join(self.allowed) if self.allowed else "none (final state)"
        super().__init__(
            f"cannot {action} while the state is '{current_state}'; allowed now: {allowed_text}"
        )


class AlreadyDecided(LicensingError):
    """A decision on an application already decided otherwise (a repeat of the same one is
    not an error: it changes nothing)."""

    def __init__(self, *, current_state: str, recorded: dict[str, str | None]) -> None:
        self.current_state = current_state
        self.recorded = recorded
        super().__init__(
            f"the application is already {current_state} ({recorded.get('decision')}, licence "
            f"{recorded.get('licence_no') or 'none'}); a decision is final and a different one "
            "is not applied"
        )


class RenewalRefused(LicensingError):
    """A renewal (延续) filed too late: fewer days before expiry than the notice period."""

    def __init__(self, *, licence_no: str, days_before_expiry: int, notice_days: int) -> None:
        self.licence_no = licence_no
        self.days_before_expiry = days_before_expiry
        self.notice_days = notice_days
        when = (
            f"{days_before_expiry} days before expiry"
            if days_before_expiry >= 0
            else f"{-days_before_expiry} days after expiry"
        )
        super().__init__(
            f"renewal of {licence_no} filed {when}; it must be filed at least {notice_days} "
            "days before expiry, or be accepted explicitly as a late filing"
        )


class RuleDocumentInvalid(LicensingError):
    """The plan document cannot be read as rules: ``path`` says where, ``problem`` what."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path or "(document)"
        self.problem = problem
        super().__init__(f"plan document, {self.path}: {problem}")


SignatureProblem = Literal["stale", "bad_signature", "replayed", "malformed"]


class SignatureRejected(LicensingError):
    """A province platform callback whose signature is refused, and why."""

    def __init__(self, reason: SignatureProblem, detail: str) -> None:
        self.reason: SignatureProblem = reason
        super().__init__(f"{reason}: {detail}")
