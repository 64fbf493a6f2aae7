"""Roles of the monitoring API."""

from __future__ import annotations

from fastapi import Depends

from lode_common import auth
from lode_common.http import requires

ADMIN = Depends(requires(auth.ADMIN))
STAFF = Depends(requires(*sorted(auth.STAFF_ROLES)))
INSPECTOR = Depends(requires(auth.INSPECTOR))
ANYONE = Depends(requires(*sorted(auth.ROLES)))
MINE_OR_STAFF = Depends(requires(auth.MINE, *sorted(auth.STAFF_ROLES)))
