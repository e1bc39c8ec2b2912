"""Sealing a workspace: compressed, then AES-GCM encrypted with a key only the cookie holds.

The vault (web/workspace_vault.py) sees ciphertext and a random id; the 256-bit key and the
id travel together in one HttpOnly, SameSite=Strict cookie and nowhere else. The id is the
associated data (with the part's name), so a blob cannot be swapped under another id. A wrong or old key fails the
GCM tag: the workspace is simply gone for that browser.
"""

from __future__ import annotations

import base64
import binascii
import pickle
import re
import secrets
import zlib
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12
ID = re.compile(r"^[A-Za-z0-9_-]{22}$")
KEY = re.compile(r"^[A-Za-z0-9_-]{43}$")


@dataclass(frozen=True, slots=True)
class Ticket:
    """The workspace's id (what the vault knows) and key (what only the browser knows)."""

    id: str
    key: bytes

    @classmethod
    def new(cls) -> Ticket:
        return cls(secrets.token_urlsafe(16), AESGCM.generate_key(bit_length=256))

    def cookie_value(self) -> str:
        return f"{self.id}.{base64.urlsafe_b64encode(self.key).decode().rstrip('=')}"

    @classmethod
    def from_cookie(cls, value: str | None) -> Ticket | None:
        """The ticket in a cookie; None for anything we did not make."""
        if not value or value.count(".") != 1:
            return None
        ident, key = value.split(".")
        if not ID.match(ident) or not KEY.match(key):
            return None
        try:
            return cls(ident, base64.urlsafe_b64decode(key + "="))
        except (binascii.Error, ValueError):
            return None


def seal(value: Any, ticket: Ticket, part: str = "") -> bytes:
    """The value pickled, compressed and encrypted: nonce + ciphertext."""
    # Compression first: ciphertext does not compress, and 5,000 claims shrink ~30 times.
    plain = zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 1)
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce + AESGCM(ticket.key).encrypt(nonce, plain, (ticket.id + part).encode())


def unseal(blob: bytes, ticket: Ticket, part: str = "") -> Any | None:
    """The value back, or None when the key or id do not fit the blob."""
    nonce, ciphertext = blob[:NONCE_BYTES], blob[NONCE_BYTES:]
    try:
        plain = AESGCM(ticket.key).decrypt(nonce, ciphertext, (ticket.id + part).encode())
    except (InvalidTag, ValueError):
        return None
    # Safe to unpickle: the GCM tag proves this server sealed it (only we write the vault).
    return pickle.loads(zlib.decompress(plain))
