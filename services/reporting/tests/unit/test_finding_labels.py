"""Every finding code monitoring can open has its name in the annual report and, in both
languages, on the dashboard: a new code cannot show as a bare identifier."""

from __future__ import annotations

from pathlib import Path

import pytest

import lode_reporting
from lode_monitoring.domain.finding import FINDING_CODES
from lode_reporting.report.model import FINDING_CODE_ZH

I18N = Path(lode_reporting.__file__).parent / "web" / "static" / "js" / "i18n.js"


@pytest.mark.parametrize("code", FINDING_CODES)
def test_every_finding_code_has_its_names(code: str) -> None:
    assert code in FINDING_CODE_ZH
    assert I18N.read_text("utf-8").count(f'"finding.{code}":') == 2  # 中文 and English
