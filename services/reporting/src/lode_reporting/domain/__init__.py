"""Pure domain of the reporting service: no I/O, no framework."""
