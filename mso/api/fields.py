"""API strings are strings. DRF's CharField turns a JSON number into text (`5` -> `"5"`), so a
client that sends the wrong type is never told; the schema says `string`, and so does the API.
Applied to CharField and its subclasses (email, slug, regex, URL...) once, when the API
package loads."""

from rest_framework import fields


def _reject_non_strings(to_internal_value):
    def strict(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return to_internal_value(self, data)

    strict.strict_strings = True
    return strict


def strict_strings() -> None:
    if not getattr(fields.CharField.to_internal_value, "strict_strings", False):
        fields.CharField.to_internal_value = _reject_non_strings(fields.CharField.to_internal_value)
