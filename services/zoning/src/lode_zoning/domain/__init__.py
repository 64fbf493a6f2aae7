"""Pure domain of the zoning service: no I/O, no framework (shapely and pyproj do geometry).

Modules, one concept each:

- `errors`: the exception tree (all map to HTTP 422).
- `crs`: accepted CRSs (EPSG:4490, 4527, 4528, 4548, 4549), Gauss-Kruger zones, cached
  transformers, surveying order (X northing, Y easting) and wrong-CRS detection.
- `area`: areas in hectares in the Gauss-Kruger plane.
- `geometry`, `geometry_problem`, `topology`: GeoJSON validation that says what is wrong
  and where, and GeoJSON ⇄ shapely conversion.
- `corners`, `corner_text`: corner-coordinate lists (拐点坐标), from the API's JSON form
  and the bureau's text layout, and back to text.
- `plan_document`, `entry_rules`, `national_standards`, `plan_types`, `plan_errors`: the
  plan document with the national standards in force, validated with paths.
"""
