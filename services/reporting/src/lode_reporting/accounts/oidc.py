"""The organisation's OpenID Connect provider, as a relying party sees it: the discovery
document, the authorization request (code flow with PKCE S256, state and nonce), the code
exchange and the ID token's verification (signature by the provider's published keys, iss,
aud, exp, nonce), and the userinfo endpoint for claims the ID token leaves out.

Every request goes through httpx with an injectable transport (a test passes one, or runs a
real provider on the loopback). The discovery document and the keys are kept for an hour;
an ID token signed with a key not seen yet makes the keys be fetched again (rotation).

Errors are one class, :class:`OidcFailure`, whose ``code`` says whose fault it was:
``oidc_unavailable`` (the provider cannot be reached or answers nonsense), ``oidc_refused``
(the provider refused: the user cancelled, the code is bad), ``oidc_token`` (the ID token
fails a check).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import quote, urlencode

import httpx
import jwt
import structlog

log = structlog.get_logger(__name__)

SIGNING_ALGORITHMS: Final = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)
"""The ID token signatures accepted: public-key ones only (never ``none``, never an HMAC keyed
with the client secret)."""
CACHE_S: Final = 3600.0
LEEWAY_S: Final = 60
"""Clock difference tolerated between the provider and this service, seconds."""
TIMEOUT_S: Final = 10.0


class OidcFailure(Exception):
    """A sign-in through the provider that cannot go on; ``code`` classifies it."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class Discovery:
    """What the provider's discovery document says that this client uses."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str | None
    algorithms: frozenset[str]
    secret_by_basic_auth: bool
    """Send the client secret with HTTP Basic (RFC 6749 2.3.1), else in the form."""


@dataclass(frozen=True)
class Tokens:
    id_token: str
    access_token: str | None


def pkce_pair() -> tuple[str, str]:
    """A PKCE code verifier (43 characters of 256 random bits) and its S256 challenge
    (RFC 7636 4.1, 4.2)."""
    verifier = secrets.token_urlsafe(32)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _same_issuer(a: str, b: str) -> bool:
    return a.rstrip("/") == b.rstrip("/")


class OidcProvider:
    """One provider, configured by the settings (issuer, client id, optional secret,
    scopes); ``clock`` is seconds since the epoch (the ID token's times are checked by it)."""

    def __init__(
        self,
        *,
        issuer: str,
        client_id: str,
        client_secret: str | None,
        scopes: str,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.issuer = issuer
        self.client_id = client_id
        self._secret = client_secret
        self.scopes = scopes
        self._transport = transport
        self._clock = clock
        self._discovery: tuple[Discovery, float] | None = None
        self._keys: tuple[jwt.PyJWKSet, float] | None = None

    def _client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=self._transport, timeout=TIMEOUT_S)

    async def _get_json(self, url: str, what: str, **kwargs: Any) -> dict[str, Any]:
        try:
            async with self._client() as client:
                answer = await client.get(url, **kwargs)
        except httpx.HTTPError as error:
            raise OidcFailure("oidc_unavailable", f"{what}: {type(error).__name__}") from error
        if answer.status_code != 200:
            raise OidcFailure("oidc_unavailable", f"{what}: HTTP {answer.status_code}")
        try:
            body = answer.json()
        except ValueError as error:
            raise OidcFailure("oidc_unavailable", f"{what}: not JSON") from error
        if not isinstance(body, dict):
            raise OidcFailure("oidc_unavailable", f"{what}: not a JSON object")
        return body

    async def discovery(self) -> Discovery:
        """The discovery document (``<issuer>/.well-known/openid-configuration``), cached."""
        cached = self._discovery
        if cached is not None and cached[1] > self._clock():
            return cached[0]
        url = self.issuer.rstrip("/") + "/.well-known/openid-configuration"
        doc = await self._get_json(url, "discovery document")
        wanted = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
        missing = [name for name in wanted if not isinstance(doc.get(name), str)]
        if missing:
            raise OidcFailure("oidc_unavailable", f"discovery document lacks {missing}")
        if not _same_issuer(doc["issuer"], self.issuer):
            raise OidcFailure(
                "oidc_unavailable",
                f"discovery document names issuer {doc['issuer']!r}, not {self.issuer!r}",
            )
        offered = doc.get("id_token_signing_alg_values_supported") or ["RS256"]
        algorithms = frozenset(a for a in offered if a in SIGNING_ALGORITHMS)
        if not algorithms:
            raise OidcFailure("oidc_unavailable", f"no usable ID token signature in {offered}")
        methods = doc.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
        userinfo = doc.get("userinfo_endpoint")
        found = Discovery(
            issuer=doc["issuer"],
            authorization_endpoint=doc["authorization_endpoint"],
            token_endpoint=doc["token_endpoint"],
            jwks_uri=doc["jwks_uri"],
            userinfo_endpoint=userinfo if isinstance(userinfo, str) else None,
            algorithms=algorithms,
            secret_by_basic_auth="client_secret_basic" in methods
            or "client_secret_post" not in methods,
        )
        self._discovery = (found, self._clock() + CACHE_S)
        return found

    async def authorization_url(
        self, *, redirect_uri: str, state: str, nonce: str, code_challenge: str
    ) -> str:
        """Where the browser goes to sign in at the provider."""
        found = await self.discovery()
        query = urlencode(
            {
                "response_type": "code",
                "client_id": self.client_id,
                "redirect_uri": redirect_uri,
                "scope": self.scopes,
                "state": state,
                "nonce": nonce,
                "code_challenge": code_challenge,
                "code_challenge_method": "S256",
            }
        )
        separator = "&" if "?" in found.authorization_endpoint else "?"
        return f"{found.authorization_endpoint}{separator}{query}"

    async def exchange(self, *, code: str, redirect_uri: str, code_verifier: str) -> Tokens:
        """The tokens for an authorization code (with the PKCE verifier; the client secret
        when there is one)."""
        found = await self.discovery()
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": code_verifier,
            "client_id": self.client_id,
        }
        auth: httpx.BasicAuth | None = None
        if self._secret is not None:
            if found.secret_by_basic_auth:  # RFC 6749 2.3.1: both form-encoded first
                auth = httpx.BasicAuth(quote(self.client_id, safe=""), quote(self._secret, safe=""))
            else:
                form["client_secret"] = self._secret
        try:
            async with self._client() as client:
                answer = await client.post(
                    found.token_endpoint,
                    data=form,
                    auth=auth if auth is not None else httpx.USE_CLIENT_DEFAULT,
                    headers={"Accept": "application/json"},
                )
        except httpx.HTTPError as error:
            reason = f"token endpoint: {type(error).__name__}"
            raise OidcFailure("oidc_unavailable", reason) from error
        try:
            body = answer.json()
        except ValueError:
            body = {}
        if answer.status_code != 200 or not isinstance(body, dict):
            said = body.get("error") if isinstance(body, dict) else None
            raise OidcFailure(
                "oidc_refused" if answer.status_code in (400, 401) else "oidc_unavailable",
                f"token endpoint: HTTP {answer.status_code} {str(said or '')[:100]}".strip(),
            )
        id_token = body.get("id_token")
        if not isinstance(id_token, str):
            raise OidcFailure("oidc_token", "the token endpoint gave no ID token")
        access = body.get("access_token")
        return Tokens(id_token=id_token, access_token=access if isinstance(access, str) else None)

    async def verified_claims(self, id_token: str, *, nonce: str) -> dict[str, Any]:
        """The ID token's claims once it is proven the provider's and this sign-in's: its
        signature by a published key, ``iss``, ``aud`` (and ``azp``), ``exp``, ``iat`` and
        ``nonce`` (OpenID Connect Core 3.1.3.7)."""
        found = await self.discovery()
        try:
            header = jwt.get_unverified_header(id_token)
        except jwt.InvalidTokenError as error:
            raise OidcFailure("oidc_token", "the ID token is not a JWT") from error
        algorithm = header.get("alg")
        if algorithm not in found.algorithms:
            raise OidcFailure("oidc_token", f"the ID token is signed with {algorithm!r}")
        key = await self._key(header.get("kid"), found)
        try:
            claims: dict[str, Any] = jwt.decode(
                id_token,
                key=key,
                algorithms=[str(algorithm)],
                audience=self.client_id,
                issuer=found.issuer,
                leeway=LEEWAY_S,
                options={"require": ["iss", "sub", "aud", "exp", "iat"], "verify_exp": False},
            )
        except jwt.InvalidTokenError as error:
            raise OidcFailure("oidc_token", f"the ID token fails a check: {error}") from error
        expires = claims["exp"]
        if not isinstance(expires, int | float) or expires + LEEWAY_S <= self._clock():
            raise OidcFailure("oidc_token", "the ID token has expired")
        audience = claims["aud"]
        if isinstance(audience, list) and len(audience) > 1 and claims.get("azp") != self.client_id:
            raise OidcFailure("oidc_token", "the ID token is meant for another party (azp)")
        sent = claims.get("nonce")
        if not isinstance(sent, str) or not hmac.compare_digest(sent.encode(), nonce.encode()):
            raise OidcFailure("oidc_token", "the ID token's nonce is not this sign-in's")
        return claims

    async def _key(self, kid: object, found: Discovery) -> Any:
        for fresh in (False, True):
            keys = await self._key_set(found, fresh=fresh)
            usable = [k for k in keys.keys if k.public_key_use in (None, "sig")]
            if kid is None and len(usable) == 1:
                return usable[0].key
            for candidate in usable:
                if candidate.key_id == kid:
                    return candidate.key
        raise OidcFailure("oidc_token", f"the provider publishes no key {kid!r}")

    async def _key_set(self, found: Discovery, *, fresh: bool) -> jwt.PyJWKSet:
        cached = self._keys
        if not fresh and cached is not None and cached[1] > self._clock():
            return cached[0]
        body = await self._get_json(found.jwks_uri, "published keys (jwks_uri)")
        try:
            keys = jwt.PyJWKSet.from_dict(body)
        except (jwt.PyJWKSetError, jwt.PyJWKError) as error:
            raise OidcFailure("oidc_unavailable", f"published keys unusable: {error}") from error
        self._keys = (keys, self._clock() + CACHE_S)
        return keys

    async def userinfo(self, access_token: str, *, subject: str) -> dict[str, Any]:
        """The userinfo endpoint's claims, when the ID token leaves out the one wanted; they
        must name the same ``sub`` (OpenID Connect Core 5.3.2)."""
        found = await self.discovery()
        if found.userinfo_endpoint is None:
            return {}
        body = await self._get_json(
            found.userinfo_endpoint,
            "userinfo endpoint",
            headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"},
        )
        if body.get("sub") != subject:
            raise OidcFailure("oidc_token", "the userinfo answer names another subject")
        return body
