"""Adapters of the zoning service: tables, repositories, clients."""
