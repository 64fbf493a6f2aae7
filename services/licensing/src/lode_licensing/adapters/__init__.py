"""Adapters of the licensing service: tables, repositories, clients."""
