"""Adapters of the monitoring service: tables, repositories, clients."""
