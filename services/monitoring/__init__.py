"""Namespace for the test packages below (unique dotted names under pytest)."""
