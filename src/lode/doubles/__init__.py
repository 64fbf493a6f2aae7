"""Test doubles of the outside systems Lode talks to, for development, demos and tests.

They are not part of any service: a service only knows the outside system through its
adapter and the exchange of API.md, so its double lives here, beside the CLI that runs it.
"""
