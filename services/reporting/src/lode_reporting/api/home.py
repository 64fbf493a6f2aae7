"""The landing page at ``/``: the system's services and where to go next."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter(tags=["dashboard"])

_SERVICES = [
    ("zoning", "规划分区", "Plan data, zones and planning blocks, spatial analysis"),
    ("licensing", "矿业权审批", "Applications, plan checks, licences"),
    ("monitoring", "开发利用监管", "Mines' reports, three rates, findings"),
    ("reporting", "规划实施报告", "Indicators, compliance, annual report"),
]


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def home() -> str:
    rows = "".join(
        f'<li><b>{zh}</b> {name}: {en} — <a href="/{name}/docs">API</a> · '
        f'<a href="/{name}/health">health</a></li>'
        for name, zh, en in _SERVICES
    )
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        "<title>Lode 平泉市矿产资源总体规划信息系统</title></head><body>"
        "<h1>平泉市矿产资源总体规划（2021-2025年）信息系统</h1>"
        f"<p>Lode — mineral resources master plan information system.</p><ul>{rows}</ul>"
        "</body></html>"
    )
