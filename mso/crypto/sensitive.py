"""`Sensitive`: a decrypted value in memory. It is not a str on purpose: str(), repr() and
format() give the masked form, JSON encoders refuse it, and only `.reveal()` returns the
plaintext, so a value cannot slip into a template, a log line, an audit payload or an
exception's text by accident."""

import hmac
from collections.abc import Callable


def fully_masked(_plaintext: str) -> str:
    return "••••"


class Sensitive:
    __slots__ = ("_mask", "_value")

    def __init__(self, value: str, mask: Callable[[str], str] = fully_masked):
        self._value = value
        self._mask = mask

    def reveal(self) -> str:
        """The plaintext. Call it only where the value is really needed."""
        return self._value

    @property
    def masked(self) -> str:
        return self._mask(self._value) if self._value else ""

    def __str__(self) -> str:
        return self.masked

    def __format__(self, spec: str) -> str:
        return format(self.masked, spec)

    def __repr__(self) -> str:
        return "<Sensitive: redacted>"

    def __bool__(self) -> bool:
        return bool(self._value)

    def __len__(self) -> int:
        return len(self._value)

    def __eq__(self, other) -> bool:
        if isinstance(other, Sensitive):
            other = other._value
        if not isinstance(other, str):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other.encode())

    def __hash__(self) -> int:
        return hash(self._value)

    def __copy__(self):
        return self  # immutable

    def __deepcopy__(self, memo):
        return self

    def __reduce__(self):
        # Pickling would write the plaintext to caches or task queues: refuse it.
        raise TypeError("Sensitive values cannot be pickled.")


def reveal(value) -> str:
    """Plaintext of a Sensitive or of a plain str (input not yet saved)."""
    if value is None:
        return ""
    return value.reveal() if isinstance(value, Sensitive) else str(value)
