"""The tamper-evident audit log (审计日志) every service keeps: each state-changing action
(who, role, when, what, the request id) appended in the transaction of the change, then
sealed into a hash chain (SM3 where the platform's OpenSSL has it, else SHA-256) and
anchored daily by an event."""
