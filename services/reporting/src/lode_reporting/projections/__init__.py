"""Read models fed only by events: each handler records the event in the journal and
updates only the rows the event touches (no recomputation per event)."""
