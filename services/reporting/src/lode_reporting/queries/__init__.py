"""Reading the read models: the facts the indicators are computed from, compliance, map."""
