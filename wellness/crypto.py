"""Encryption of free text at rest (AES-256-GCM) and key generation."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_VERSION = b"\x01"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_data_key() -> str:
    return b64url(AESGCM.generate_key(bit_length=256))


def generate_vapid_private_key() -> str:
    """A P-256 private key as base64url of its 32-byte scalar (what py-vapid reads)."""
    key = ec.generate_private_key(ec.SECP256R1())
    return b64url(key.private_numbers().private_value.to_bytes(32, "big"))


def vapid_public_key(private_key: str) -> str:
    """The uncompressed public point, base64url, as browsers want for applicationServerKey."""
    scalar = int.from_bytes(b64url_decode(private_key), "big")
    key = ec.derive_private_key(scalar, ec.SECP256R1())
    raw = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(raw)


class Cipher:
    """Seals short text with AES-GCM; the associated data binds a value to its row and field."""

    def __init__(self, key: str) -> None:
        raw = b64url_decode(key)
        if len(raw) != 32:
            raise ValueError("the data key must be 32 bytes, base64url encoded")
        self._aead = AESGCM(raw)

    def seal(self, plaintext: str, context: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plaintext.encode(), context.encode())
        return b64url(_VERSION + nonce + sealed)

    def open(self, token: str, context: str) -> str:
        raw = b64url_decode(token)
        if raw[:1] != _VERSION:
            raise ValueError("unknown ciphertext version")
        return self._aead.decrypt(raw[1:13], raw[13:], context.encode()).decode()


def keyed_hash(secret: str, value: str) -> str:
    """HMAC-SHA256, hex: stores session tokens and throttle keys without the values."""
    return hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()
