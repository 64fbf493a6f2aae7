"""Adapters of the reporting service: tables, repositories, clients."""
