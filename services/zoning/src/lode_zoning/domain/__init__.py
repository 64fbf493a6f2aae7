"""Pure domain of the zoning service: no I/O, no framework."""
