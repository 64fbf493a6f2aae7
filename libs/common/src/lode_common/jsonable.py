"""Python values as JSON: exact decimals as numbers, dates as ISO text.

For values written into JSON columns and answers by hand (pydantic models use
:data:`lode_common.events.quantities.Quantity`, which also refuses a decimal a JSON number
cannot carry exactly).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any


def json_number(value: Decimal) -> int | float:
    """A whole decimal as an int, any other as the float of its digits."""
    return int(value) if value == value.to_integral_value() else float(value)


def jsonable(value: Any) -> Any:
    """``value`` with every decimal a number and every date or datetime ISO text, through
    mappings (keys as text), lists and tuples."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return json_number(value)
    if isinstance(value, date):  # a datetime too
        return value.isoformat()
    return value
