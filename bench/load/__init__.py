"""The load bench of issue #7: mines reporting a simulated year while officers query, on the
distributed topology and on the embedded mode in the same run (``python -m bench.load``)."""
