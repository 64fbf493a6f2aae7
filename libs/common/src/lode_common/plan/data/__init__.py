"""The plan documents shipped with the product, read as package data.

``pingquan-2021-2025.yaml`` (the Pingquan plan) and ``national-standards.yaml`` (the
national standards it refers to) are the structured extraction of the plan's text kept
with the product, each figure with its source and confidence; the product reads them from
here. Zoning publishes them as the first version of the plan on its first start; every
other service receives them in that event. This package, not the model, reads them, so
the model stays free of I/O.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from typing import Any

import yaml

from lode_common.plan.document import PlanDocument, load_plan_document, with_standards

PINGQUAN_PLAN = "pingquan-2021-2025.yaml"
NATIONAL_STANDARDS = "national-standards.yaml"
PINGQUAN_PLAN_ID = "pingquan-2021-2025"


def bundled_text(name: str) -> str:
    """The text of a bundled file (`PINGQUAN_PLAN` or `NATIONAL_STANDARDS`)."""
    return files(__name__).joinpath(name).read_text(encoding="utf-8")


def bundled_raw_document() -> dict[str, Any]:
    """The Pingquan plan with the national standards under ``standards:``, as parsed YAML."""
    plan = yaml.safe_load(bundled_text(PINGQUAN_PLAN))
    standards = yaml.safe_load(bundled_text(NATIONAL_STANDARDS))
    return with_standards(plan, standards)


@lru_cache(maxsize=1)
def bundled_documents() -> PlanDocument:
    """The bundled Pingquan plan combined with the national standards, validated."""
    return load_plan_document(bundled_raw_document())
