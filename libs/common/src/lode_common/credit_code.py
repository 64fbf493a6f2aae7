"""统一社会信用代码 (unified social credit code), GB 32100-2015.

Eighteen characters from ``0-9A-HJ-NPQRTUWXY`` (31 characters: no I, O, S, V, Z); the
last is a check character: with the weights ``1,3,9,27,19,26,16,17,20,29,25,13,8,24,
10,30,28`` (3^i mod 31) over the first seventeen, ``check = 31 - sum % 31`` (31 → 0),
mapped back through the character set. Because 31 is prime and no weight is a multiple
of it, any single changed character is detected.

Only the standard's format and check character are verified; whether a code is
registered to anyone is the registry's business.
"""

from __future__ import annotations

from typing import Final

CHARSET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS: Final = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH: Final = 18
_MODULUS: Final = len(CHARSET)


def check_character(body: str) -> str:
    """The check character for the first seventeen characters ``body``.

    Raises ValueError when ``body`` is not seventeen characters of the character set.
    """
    if len(body) != LENGTH - 1 or any(ch not in CHARSET for ch in body):
        raise ValueError(f"expected 17 characters of {CHARSET}, got {body!r}")
    total = sum(CHARSET.index(ch) * weight for ch, weight in zip(body, WEIGHTS, strict=True))
    return CHARSET[(_MODULUS - total % _MODULUS) % _MODULUS]


def with_check_character(body: str) -> str:
    """A complete, valid code: ``body`` (seventeen characters) with its check character."""
    return body + check_character(body)


def credit_code_problem(code: str) -> str | None:
    """What is wrong with ``code`` in words a user can act on, or None when it is valid.

    Positions in messages count from 1.
    """
    if len(code) != LENGTH:
        return f"统一社会信用代码 must be {LENGTH} characters, got {len(code)}"
    for position, ch in enumerate(code, start=1):
        if ch not in CHARSET:
            hint = " (letters must be capitals)" if ch.upper() in CHARSET else ""
            return (
                f"character {ch!r} at position {position} is not allowed in a "
                f"统一社会信用代码 (allowed: 0-9 and A-H J-N P Q R T U W X Y){hint}"
            )
    expected = check_character(code[:-1])
    if code[-1] != expected:
        return f"check digit (position 18) expected {expected!r}, got {code[-1]!r}"
    return None


def is_valid_credit_code(code: str) -> bool:
    return credit_code_problem(code) is None
