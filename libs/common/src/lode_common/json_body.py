"""Request bodies read as JSON by hand (routes that also hash the raw bytes, for idempotency
or signatures): every way a body can fail to be JSON is a 422 naming ``body``, never a 500."""

from __future__ import annotations

import json
from typing import Any

from lode_common.errors import InvalidInput


def parse_json(raw: bytes) -> Any:
    """The parsed body; a 422 problem when it is not UTF-8 JSON or is nested too deeply."""
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InvalidInput.field("body", f"not valid JSON: {error}") from None
    except RecursionError:
        raise InvalidInput.field(
            "body", "JSON nested too deeply to read; send the documented shape"
        ) from None


def json_object(raw: bytes, what: str) -> dict[str, Any]:
    """The body as one JSON object (``what`` names it in the error: "report", …)."""
    body = parse_json(raw)
    if not isinstance(body, dict):
        raise InvalidInput.field("body", f"send one {what} object")
    return body
