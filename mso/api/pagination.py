import re

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

_WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")


def _query_positive_int(request, name: str) -> int | None:
    """The query parameter as a whole number from 1, None if absent; anything else is a 400
    (DRF would quietly fall back to a default)."""
    values = request.query_params.getlist(name)
    if not values:
        return None
    if len(values) > 1 or not _WHOLE_NUMBER.fullmatch(values[0]) or int(values[0]) < 1:
        raise ValidationError({name: ["Give one whole number from 1."]})
    return int(values[0])


class PagePagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_number(self, request, paginator) -> int:
        return _query_positive_int(request, self.page_query_param) or 1

    def get_page_size(self, request) -> int:
        size = _query_positive_int(request, self.page_size_query_param) or self.page_size
        return min(size, self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
        return parameters
