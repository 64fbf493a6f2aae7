"""bench/zoning: the spatial analysis against a bare shapely STRtree, the same queries."""
