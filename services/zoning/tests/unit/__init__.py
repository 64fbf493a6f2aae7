"""Unit tests of the zoning domain: pure, no I/O, fast."""
