"""Pure domain of the licensing service: no I/O, no framework."""
