"""Sub-commands of the ``lode`` CLI, one typer app per area."""
