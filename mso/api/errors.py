"""One error body for the whole API: {"detail": str, "errors": {field: [messages]}}."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from mso.errors import FieldErrors


def _flatten(data, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error structures as flat keys: `name`, `owners[0].license_expiry`."""
    flat: dict[str, list[str]] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, int):
                path = f"{prefix}[{key}]"
            else:
                name = "non_field_errors" if key == "__all__" else str(key)
                path = f"{prefix}.{name}" if prefix else name
            flat.update(_flatten(value, path))
    elif isinstance(data, list) and any(isinstance(v, (dict, list)) for v in data):
        for index, value in enumerate(data):
            if value:
                flat.update(_flatten(value, f"{prefix}[{index}]"))
    else:
        messages = data if isinstance(data, list) else [data]
        flat[prefix or "non_field_errors"] = [str(m) for m in messages]
    return flat


def error_body(detail: str, errors: dict[str, list[str]] | None = None) -> dict:
    return {"detail": detail, "errors": errors or {}}


def exception_handler(exc, context):
    if isinstance(exc, FieldErrors):
        exc = exceptions.ValidationError(exc.errors)
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(
            response.data
            if isinstance(response.data, dict)
            else {"non_field_errors": response.data}
        )
        response.data = error_body("Invalid input.", errors)
        response.status_code = status.HTTP_400_BAD_REQUEST
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        response.data = error_body(str(detail))
    return response


def validation_response(detail: str, errors: dict[str, list[str]]) -> Response:
    return Response(error_body(detail, errors), status=status.HTTP_400_BAD_REQUEST)


@csrf_exempt  # like every API view: a token caller has no CSRF cookie, and it changes nothing
def api_not_found(request, *args, **kwargs) -> JsonResponse:
    """Any other path under the API: a JSON 404 in the API's shape rather than Django's HTML
    page (e.g. `/claims/abc/` when the id must be a number)."""
    return JsonResponse(error_body("Not found."), status=status.HTTP_404_NOT_FOUND)
