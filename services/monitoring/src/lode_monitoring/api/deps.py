"""Roles of the monitoring API, and the service's parts as a route reaches them."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from lode_common import auth
from lode_common.http import requires
from lode_monitoring.container import Monitoring

ADMIN = Depends(requires(auth.ADMIN))
STAFF = Depends(requires(*sorted(auth.STAFF_ROLES)))
INSPECTOR = Depends(requires(auth.INSPECTOR))
ANYONE = Depends(requires(*sorted(auth.ROLES)))
MINE_OR_STAFF = Depends(requires(auth.MINE, *sorted(auth.STAFF_ROLES)))
MINE_OR_INSPECTOR = Depends(requires(auth.MINE, auth.INSPECTOR))
"""A mine's own filing, or an inspector filing or correcting it on the mine's behalf."""

Service = Annotated[Monitoring, Depends(Monitoring.from_request)]
"""The monitoring container (:class:`~lode_monitoring.container.Monitoring`)."""
