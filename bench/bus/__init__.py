"""bench/bus: the event path's throughput and latency against raw aiokafka."""
