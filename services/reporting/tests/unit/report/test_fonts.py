"""The CJK font lookup: the configured path first, Debian's paths, unusable files skipped."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from lode_reporting.report.fonts import (
    DEBIAN_CANDIDATES,
    ENV_VAR,
    FALLBACK_CID_FONT,
    candidates,
    find_cjk_font,
)

from .pdf_tools import WQY, needs_wqy


def test_the_argument_then_the_environment_then_debian_paths() -> None:
    assert candidates("/a.ttf", {ENV_VAR: "/b.ttc"}) == ("/a.ttf", "/b.ttc", *DEBIAN_CANDIDATES)
    assert candidates(None, {}) == DEBIAN_CANDIDATES
    assert DEBIAN_CANDIDATES[0] == WQY
    assert any("fonts/opentype/noto/NotoSansCJK" in path for path in DEBIAN_CANDIDATES)


@needs_wqy
def test_the_environment_variable_names_the_font_file(tmp_path: Path) -> None:
    chosen = tmp_path / "chosen-cjk.ttc"
    chosen.symlink_to(WQY)

    font = find_cjk_font(environ={ENV_VAR: str(chosen)})

    assert font.path == str(chosen)
    assert font.name == "LodeCJK-chosen-cjk"
    assert font.describe() == "WenQuanYi Micro Hei (embedded)"
    assert font.describe_for_log() == f"WenQuanYi Micro Hei (embedded from {chosen})"


@needs_wqy
def test_a_file_reportlab_cannot_embed_is_skipped_with_the_reason(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broken = tmp_path / "broken.ttf"
    broken.write_bytes(b"not a font at all")

    with caplog.at_level(logging.WARNING, logger="lode_reporting.report.fonts"):
        font = find_cjk_font(str(broken), environ={})

    assert font.path == WQY
    assert f"CJK font {broken} cannot be embedded" in caplog.text


def test_with_nothing_usable_the_builtin_cid_font_is_chosen(tmp_path: Path) -> None:
    font = find_cjk_font(search=[str(tmp_path / "missing.ttc")])

    assert font.name == FALLBACK_CID_FONT
    assert font.path is None
    assert not font.embedded
