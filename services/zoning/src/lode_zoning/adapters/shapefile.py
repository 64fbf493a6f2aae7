"""Zipped Shapefile import (pyshp): the archive is checked before anything is read.

Refused, each with a reason the planner can act on: not a zip; a member whose path
escapes the archive (absolute, ``..``, drive letters, links); more than the allowed
uncompressed size, or a compression ratio that only a zip bomb has; no ``.shp`` or several;
a missing ``.shx``, ``.dbf`` or ``.prj`` (without ``.prj`` the coordinates' CRS is unknown);
a ``.prj`` whose CRS is not one the system accepts.
"""

from __future__ import annotations

import io
import posixpath
import stat
import zipfile
from dataclasses import dataclass
from datetime import date
from typing import Any

import shapefile
from pyproj import CRS
from pyproj.exceptions import CRSError

from lode_zoning.domain.crs import KnownCrs, parse_crs
from lode_zoning.domain.errors import UnknownCrs, ZoningDomainError

MAX_UNCOMPRESSED = 64 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed; real shapefiles compress ~3-10x
REQUIRED = (".shp", ".shx", ".dbf", ".prj")


class ShapefileInvalid(ZoningDomainError):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)

    def field_errors(self) -> list[dict[str, str]]:
        return [{"field": "file", "message": self.detail}]


@dataclass(frozen=True)
class ShapefileLayer:
    crs: KnownCrs
    features: list[dict[str, Any]]  # GeoJSON Features, coordinates in ``crs``


def _safe_name(info: zipfile.ZipInfo) -> str:
    name = info.filename
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise ShapefileInvalid(f"the archive holds a link ({name}); send plain files only")
    normal = posixpath.normpath(name.replace("\\", "/"))
    if (
        name.startswith(("/", "\\"))
        or (len(name) > 1 and name[1] == ":")
        or normal.startswith("../")
        or normal == ".."
        or "/../" in f"/{normal}/"
    ):
        raise ShapefileInvalid(
            f"the archive member {name!r} points outside the archive; zip the files "
            "themselves, without absolute or '..' paths"
        )
    return normal


def read_zipped_shapefile(data: bytes) -> ShapefileLayer:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ShapefileInvalid(
            "the upload is not a zip archive; zip the .shp, .shx, .dbf and .prj together"
        ) from None
    with archive:
        members = [i for i in archive.infolist() if not i.is_dir()]
        total = sum(i.file_size for i in members)
        if total > MAX_UNCOMPRESSED:
            raise ShapefileInvalid(
                f"the archive unpacks to {total} bytes, more than {MAX_UNCOMPRESSED}; "
                "split the layer into several imports"
            )
        for info in members:
            _safe_name(info)
            if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
                raise ShapefileInvalid(
                    f"{info.filename} is compressed {info.file_size // info.compress_size}:1, "
                    "which real shapefiles never are; the archive is refused"
                )
        by_ext: dict[str, list[zipfile.ZipInfo]] = {}
        for info in members:
            ext = posixpath.splitext(info.filename)[1].lower()
            by_ext.setdefault(ext, []).append(info)
        shps = by_ext.get(".shp", [])
        if len(shps) != 1:
            found = ", ".join(i.filename for i in shps) or "none"
            raise ShapefileInvalid(f"the archive must hold exactly one .shp layer (found: {found})")
        stem = posixpath.splitext(shps[0].filename)[0].lower()
        parts: dict[str, bytes] = {}
        for ext in (*REQUIRED, ".cpg"):
            match = [
                i for i in by_ext.get(ext, []) if posixpath.splitext(i.filename)[0].lower() == stem
            ]
            if match:
                parts[ext] = archive.read(match[0])
        missing = [ext for ext in REQUIRED if ext not in parts]
        if missing:
            why = " (without it the coordinates' CRS is unknown)" if ".prj" in missing else ""
            raise ShapefileInvalid(
                f"the archive lacks {', '.join(missing)} beside {shps[0].filename}{why}"
            )
    crs = _crs_of(parts[".prj"])
    encoding = parts.get(".cpg", b"utf-8").decode("ascii", "replace").strip() or "utf-8"
    return ShapefileLayer(crs, _features(parts, encoding))


def _crs_of(prj: bytes) -> KnownCrs:
    try:
        crs = CRS.from_wkt(prj.decode("utf-8", "replace"))
    except CRSError as error:
        raise ShapefileInvalid(f"the .prj cannot be read as a CRS: {error}") from None
    epsg = crs.to_epsg(min_confidence=70)
    try:
        return parse_crs(epsg if epsg is not None else crs.name)
    except UnknownCrs as error:
        raise ShapefileInvalid(f"the .prj says {crs.name}: {error.detail}") from None


def _features(parts: dict[str, bytes], encoding: str) -> list[dict[str, Any]]:
    try:
        reader = shapefile.Reader(
            shp=io.BytesIO(parts[".shp"]),
            shx=io.BytesIO(parts[".shx"]),
            dbf=io.BytesIO(parts[".dbf"]),
            encoding=encoding,
            encodingErrors="strict",
        )
    except (shapefile.ShapefileException, LookupError, ValueError) as error:
        raise ShapefileInvalid(f"the shapefile cannot be read: {error}") from None
    features = []
    try:
        for number, shape_record in enumerate(reader.iterShapeRecords()):
            geometry = shape_record.shape.__geo_interface__
            if geometry.get("type") not in ("Polygon", "MultiPolygon"):
                raise ShapefileInvalid(
                    f"record {number} is a {geometry.get('type')}; zones are polygons"
                )
            features.append(
                {
                    "type": "Feature",
                    "geometry": geometry,
                    "properties": shape_record.record.as_dict(),
                }
            )
    except UnicodeDecodeError:
        raise ShapefileInvalid(
            f"the .dbf text is not {encoding}; add a .cpg naming its encoding (e.g. GBK)"
        ) from None
    finally:
        reader.close()
    return features


ATTRIBUTE_NAMES = {
    "type": ("type", "zone_type", "类型", "lx"),
    "code": ("code", "编号", "bh", "qkbh"),
    "name_zh": ("name_zh", "name", "名称", "mc", "qkmc"),
    "minerals": ("minerals", "mineral", "矿种", "kz"),
    "plan_id": ("plan_id",),
    "note": ("note", "备注", "bz"),
    "conditions_zh": ("conditions_zh", "conditions", "管控要求", "开采条件", "条件", "gkyq"),
}


def zone_properties(attributes: dict[str, Any]) -> dict[str, Any]:
    """The zone fields from a shapefile's attributes (English or Chinese field names).

    The layer's other columns (OBJECTID, Shape_Area, whatever the GIS tool added) are not
    the zone's and are not kept; a date becomes ISO text, so it is checked as text is."""
    lowered = {str(k).strip().lower(): v for k, v in attributes.items()}
    out: dict[str, Any] = {}
    for target, names in ATTRIBUTE_NAMES.items():
        for name in names:
            if lowered.get(name) not in (None, ""):
                out[target] = lowered[name]
                break
    minerals = out.get("minerals")
    if isinstance(minerals, str):
        out["minerals"] = [
            m.strip()
            for m in minerals.replace("、", ",").replace("；", ",").replace(";", ",").split(",")
            if m.strip()
        ]
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in out.items()}
