"""Encryption of sensitive fields at rest (HIPAA 164.312(a)(2)(iv), ASVS V11/V14).

- `keys`: the key ring, read from settings/environment (never from the database).
- `sensitive`: `Sensitive`, the in-memory wrapper whose str/repr never show the plaintext.
- `fields`: `EncryptedTextField`, a model field stored as ciphertext.
- `rotation`: re-encryption of every stored value with the newest key.

See docs/security.md (encryption).
"""
