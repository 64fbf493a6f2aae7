"""Unit tests of the monitoring domain: no I/O, the real plan document."""
