"""bench/freshness: how soon reporting reflects an accepted report, against the bus."""
