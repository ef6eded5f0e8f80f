from django import forms
from django_filters import utils
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter


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


class StrictOrderingFilter(OrderingFilter):
    """DRF's ordering, except that a field the view does not offer is a 400 rather than
    silently ignored (the caller would otherwise get an order they did not ask for)."""

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params:
            asked = [term.strip() for term in params.split(",") if term.strip()]
            allowed = {
                name for name, _ in self.get_valid_fields(queryset, view, {"request": request})
            }
            unknown = [term for term in asked if term.lstrip("-") not in allowed]
            if unknown:
                raise ValidationError(
                    {
                        self.ordering_param: [
                            f"Cannot order by {', '.join(unknown)}; "
                            f"choose from {', '.join(sorted(allowed)) or 'nothing'}."
                        ]
                    }
                )
        return super().get_ordering(request, queryset, view)
