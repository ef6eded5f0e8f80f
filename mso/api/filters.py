from django import forms
from django_filters import utils
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError


def _unread_values(filterset, params) -> dict[str, list[str]]:
    """Filter values the form accepted but could not use: django-filter drops an unreadable
    boolean (`?is_active=maybe`) or an empty choice and lists everything unfiltered."""
    errors = {}
    for name, field in filterset.form.fields.items():
        values = params.getlist(name)
        if len(values) > 1:
            errors[name] = ["Give this filter once."]
        elif (
            values
            and filterset.form.cleaned_data.get(name) in (None, "")
            and not isinstance(field, forms.CharField)
        ):
            errors[name] = ["Enter a valid value."]
    return errors


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter's backend, except that a filter value it cannot apply is a 400 rather
    than silently ignored."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid() and self.raise_exception:
            raise utils.translate_validation(filterset.errors)
        if errors := _unread_values(filterset, request.query_params):
            raise ValidationError(errors)
        return filterset.qs
