"""The event path: outbox and relay on the way out, transports in between, inbox on the way in."""
