"""The font and the text extractor the PDF tests need (Debian's fonts-wqy-microhei and
poppler-utils, installed by ``make browser``). Without them a test is skipped, saying why;
under ``LODE_REQUIRE_SERVICES=1`` (CI) it runs and fails instead."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from lode_common.testing.plugin import services_required

WQY = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
_HAS_WQY = Path(WQY).is_file()
_HAS_PDFTOTEXT = shutil.which("pdftotext") is not None

needs_wqy = pytest.mark.skipif(
    not _HAS_WQY and not services_required(), reason="fonts-wqy-microhei not installed"
)
needs_pdftotext = pytest.mark.skipif(
    not _HAS_PDFTOTEXT and not services_required(),
    reason="pdftotext (poppler-utils) not installed",
)
needs_pdf_tools = pytest.mark.skipif(
    not (_HAS_WQY and _HAS_PDFTOTEXT) and not services_required(),
    reason="fonts-wqy-microhei and pdftotext (poppler-utils) are needed",
)


def pdftotext(pdf: bytes, tmp_path: Path) -> str:
    """The PDF's text as poppler reads it."""
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
