"""Random tokens handed out once (API keys, session cookies, e-mailed links), stored as digests.

A token is long and random, so a slow password hash would add nothing: SHA-256 keeps
the table useless to whoever reads it, and finds the row in one index lookup.
"""

import hashlib
import secrets


def new_token(prefix: str = "") -> str:
    """Return a fresh random token (256 bits, URL-safe)."""
    return prefix + secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """Return the SHA-256 hex digest a token is stored and found by."""
    return hashlib.sha256(token.encode()).hexdigest()
