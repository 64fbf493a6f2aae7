"""No report names a file of the server: the PDF names its CJK font by the font's own name
(WenQuanYi Micro Hei), never by where it lies (``/usr/share/fonts/...``), on its title page
and in its metadata; HTML and XLSX carry no path either. The path stays in the log."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import zipfile
from io import BytesIO
from pathlib import Path

import pytest

from lode_reporting.report.fonts import find_cjk_font
from lode_reporting.report.render import ReportFormat, render

from .builders import sample_report
from .pdf_tools import WQY, needs_wqy
from .pdfbytes import info, streams


def _leaks(content: bytes, *paths: str) -> list[str]:
    texts = [content, *streams(content)] if content.startswith(b"%PDF") else [content]
    found = []
    for text in texts:
        for path in (*paths, "/usr/share", ".ttc", ".ttf", "fonts/truetype"):
            if path.encode() in text:
                found.append(path)
    return found


@needs_wqy
def test_the_pdf_names_its_font_not_the_fonts_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    chosen = tmp_path / "secret-server-dir" / "cjk.ttc"
    chosen.parent.mkdir()
    chosen.symlink_to(WQY)
    with caplog.at_level(logging.INFO, logger="lode_reporting.report.fonts"):
        font = find_cjk_font(str(chosen), environ={})
    assert font.path == str(chosen)

    pdf = render(sample_report(), ReportFormat.PDF, font=font).content

    assert info(pdf, "Creator") == "Lode reporting; CJK font: WenQuanYi Micro Hei (embedded)"
    assert not _leaks(pdf, str(chosen), "secret-server-dir")
    assert str(chosen) in caplog.text, "the operator's log still says which file"
    if shutil.which("pdftotext"):
        out = tmp_path / "report.pdf"
        out.write_bytes(pdf)
        extracted = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(out), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        assert "WenQuanYi Micro Hei (embedded)" in re.sub(r"\s+", " ", extracted)
        assert "/usr/share" not in extracted
        assert "secret-server-dir" not in extracted


@pytest.mark.parametrize("format", [ReportFormat.HTML, ReportFormat.XLSX])
def test_html_and_xlsx_name_no_file_of_the_server(format: ReportFormat) -> None:
    content = render(sample_report(), format).content
    if format is ReportFormat.XLSX:
        with zipfile.ZipFile(BytesIO(content)) as book:
            content = b"".join(book.read(name) for name in book.namelist())
    assert not _leaks(content)
