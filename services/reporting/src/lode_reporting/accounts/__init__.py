"""Staff sign-in (人员登录, issue 18): local staff accounts, their sessions, and the
organisation's OpenID Connect provider where there is one.

Reporting is the web front (it serves ``/``, ``/workbench/`` and ``/public/``), so it keeps
the accounts. A signed-in officer's browser holds only an opaque session secret in the
``lode_session`` cookie; from it the workbench asks for short-lived staff tokens (the same
HS256 JWTs every service already verifies) and calls the services with them. Pasted tokens
(``lode token``) still work for scripts.

* :mod:`.domain` — the rules (usernames, passwords, lock-out, expiry), no I/O;
* :mod:`.passwords` — argon2id hashes (memory-hard), verified off the event loop;
* :mod:`.tables`, :mod:`.store` — the accounts, sessions and OIDC sign-in states;
* :mod:`.signin` — signing in, out and refreshing, the steps the routes take;
* :mod:`.manage` — administering accounts (the admin routes and ``lode account``);
* :mod:`.oidc` — the provider: discovery, the code exchange with PKCE, the ID token;
* :mod:`.schemas`, :mod:`.session_api`, :mod:`.oidc_api`, :mod:`.api` — the HTTP side.

Lode's own figures (GB/T 22239-2019 8.1.4.1 a/b names none) are settings:
``LODE_REPORTING_SESSION_IDLE_MIN`` (30), ``…_SESSION_ABSOLUTE_H`` (12),
``…_SESSION_ACCESS_TTL_S`` (300), ``…_LOGIN_MAX_FAILURES`` (5), ``…_LOGIN_LOCKOUT_MIN`` (15),
``…_PASSWORD_MIN_LENGTH`` (10); OIDC is on when ``LODE_OIDC_ISSUER`` is set.
"""
