from django import forms
from django.core.exceptions import PermissionDenied

from mso.errors import FieldErrors


def apply_errors(form: forms.Form, errors: dict[str, list[str]]) -> None:
    """Put a service's field errors on a bound form; unknown fields become form-level."""
    for name, messages in errors.items():
        field = name if name in form.fields else None
        for message in messages:
            form.add_error(field, message)


def create_form(request, form_class, *, allowed: bool, **kwargs):
    """The create form beside a list, for those `allowed` to create (None for the others,
    whose POST is refused)."""
    if not allowed:
        if request.method == "POST":
            raise PermissionDenied
        return None
    return form_class(request.POST or None, **kwargs)


def submit(form, write):
    """Validate a bound form and save it through `write(cleaned_data)`: the saved object, or
    None with the reasons on the form (a service refusing writes nothing)."""
    if form is None or not form.is_bound or not form.is_valid():
        return None
    try:
        return write(form.cleaned_data)
    except FieldErrors as exc:
        apply_errors(form, exc.errors)
        return None
