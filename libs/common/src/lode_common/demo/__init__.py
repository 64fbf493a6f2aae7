"""Illustrative demo data (示意) shared by the services that load it with ``LODE_DEMO=1``.

Pure data and geometry: no database, no HTTP. Each service's own loader stores what it
needs (zoning the zones, licensing the licences placed inside them), so the services
share one geography without importing each other.
"""
