"""`EncryptedTextField`: text stored as Fernet ciphertext under the key ring's newest key.

- Equal plaintexts give different ciphertexts (random IV), so the column cannot be searched;
  lookups other than `isnull` are refused. A field that needs equality lookups names a
  `hash_field` holding `key_ring().lookup_hash(plaintext)`, which the service sets and
  `rotate_field_keys` recomputes.
- On the model instance the value is a `Sensitive` (masked str/repr); `mask` decides the
  masked form, e.g. "***-**-1234".
- The empty string is stored as "" (nothing to protect; "not recorded" stays visible).
"""

from django.db import models
from django.db.models.query_utils import DeferredAttribute

from .keys import key_ring
from .sensitive import Sensitive, fully_masked, reveal


class _SensitiveAttribute(DeferredAttribute):
    """Wraps whatever is assigned (a str from a form, the decrypted value) in Sensitive."""

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = self.field.wrap(value)


class EncryptedTextField(models.TextField):
    description = "Text encrypted at rest with the field key ring"
    descriptor_class = _SensitiveAttribute

    def __init__(self, *args, mask=fully_masked, hash_field: str = "", **kwargs):
        self.mask = mask
        self.hash_field = hash_field
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.hash_field:
            kwargs["hash_field"] = self.hash_field
        return name, path, args, kwargs

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.name}"

    def wrap(self, value):
        if value is None or isinstance(value, Sensitive):
            return value
        return Sensitive(str(value), self.mask)

    def from_db_value(self, value, expression, connection):
        if not value:
            return self.wrap(value)
        return self.wrap(key_ring().decrypt(value, label=self.label))

    def to_python(self, value):
        return self.wrap(value)

    def get_prep_value(self, value):
        if value is None:
            return None
        plaintext = reveal(value)
        return key_ring().encrypt(plaintext) if plaintext else ""

    def value_to_string(self, obj):
        # Serialization (dumpdata) gets the masked form, never the plaintext.
        return str(self.value_from_object(obj) or "")

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None

    def formfield(self, **kwargs):
        from django import forms

        # A plain one-line input that never renders the stored value back.
        defaults = {"widget": forms.PasswordInput(render_value=False), "strip": True}
        return super(models.TextField, self).formfield(
            form_class=forms.CharField, **{**defaults, **kwargs}
        )


def encrypted_fields(model) -> list[EncryptedTextField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
