"""Tests of the zoning service."""
