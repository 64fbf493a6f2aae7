"""``docs/LIMITS.md`` lists the bounds of :data:`lode_common.limits.LIMITS` and the body size
limit exactly as the code has them: a bound changed in one place fails here until the other
follows."""

from __future__ import annotations

import inspect
import re
import tempfile
from decimal import Decimal
from pathlib import Path

from lode.embedded import EmbeddedSystem
from lode_common.http import RequestContextMiddleware, create_service_app
from lode_common.limits import LIMITS

DOC = Path(__file__).resolve().parents[2] / "docs" / "LIMITS.md"
BEGIN = "<!-- limits:begin"
END = "<!-- limits:end -->"


def _table() -> list[tuple[str, Decimal, str, str]]:
    """(name, value, unit, English meaning) of each row between the markers."""
    text = DOC.read_text(encoding="utf-8")
    assert BEGIN in text, f"{DOC}: the table's begin marker is missing"
    assert END in text, f"{DOC}: the table's end marker is missing"
    block = text.split(BEGIN, 1)[1].split(END, 1)[0]
    rows = []
    for line in block.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 5 or not cells[0].startswith("`"):
            continue  # the marker's tail, the header and its rule
        name, value, unit, _meaning_zh, meaning = cells
        rows.append((name.strip("`"), Decimal(value.replace(",", "")), unit, meaning))
    return rows


def test_the_limits_table_equals_the_code() -> None:
    expected = [(lim.name, Decimal(lim.value), lim.unit, lim.meaning) for lim in LIMITS]
    assert _table() == expected, (
        "docs/LIMITS.md and lode_common.limits.LIMITS differ: list every Limit in the same "
        "order with its name, value, unit and meaning"
    )


def test_every_limit_has_a_chinese_meaning() -> None:
    text = DOC.read_text(encoding="utf-8").split(BEGIN, 1)[1].split(END, 1)[0]
    for lim in LIMITS:
        rows = [line for line in text.splitlines() if f"`{lim.name}`" in line]
        assert rows, f"docs/LIMITS.md has no row for {lim.name}"
        meaning_zh = rows[0].strip().strip("|").split("|")[3].strip()
        assert re.search(r"[\u4e00-\u9fff]", meaning_zh), f"{lim.name}: no Chinese meaning"


def test_the_documented_body_size_is_what_every_service_reads() -> None:
    default = inspect.signature(create_service_app).parameters["max_body_bytes"].default
    with tempfile.TemporaryDirectory(prefix="lode-limits-") as tmp:
        apps = EmbeddedSystem(data_dir=Path(tmp), demo=False, port=0).apps
        for service, app in apps.items():
            sizes = [
                m.kwargs["max_body_bytes"]
                for m in app.user_middleware
                if getattr(m, "cls", None) is RequestContextMiddleware
            ]
            assert sizes == [default], f"{service} reads bodies up to {sizes}, not {default}"
    text = DOC.read_text(encoding="utf-8")
    assert f"{default:,} bytes" in text, f"docs/LIMITS.md must state the body limit, {default:,}"
    assert f"{default // 2**20} MiB" in text
