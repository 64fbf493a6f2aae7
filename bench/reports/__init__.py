"""bench/reports: mines' output reports (POST /monitoring/v1/reports) against a bare insert."""
