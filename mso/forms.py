from django import forms


def apply_errors(form: forms.Form, errors: dict[str, list[str]]) -> None:
    """Put a service's field errors on a bound form; unknown fields become form-level."""
    for name, messages in errors.items():
        field = name if name in form.fields else None
        for message in messages:
            form.add_error(field, message)
