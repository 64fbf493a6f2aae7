"""Roles of the reporting API: every ``/reporting/v1/*`` route is for staff."""

from __future__ import annotations

from fastapi import Depends

from lode_common import auth
from lode_common.http import requires

STAFF = Depends(requires(*sorted(auth.STAFF_ROLES)))
PLAN = "pingquan-2021-2025"
