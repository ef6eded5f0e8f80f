"""The API schema documents the errors every view can give, in one place. A view declares its
success responses (and any error it wants to describe specially); the standard 400, 401, 403,
404 and 415 are added here with the shared error body, so that the schema matches what the
API really answers (tests/test_api_fuzz.py checks it)."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework.permissions import AllowAny, IsAuthenticated

from .serializers import ErrorSerializer

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
BODY_METHODS = {"POST", "PUT", "PATCH"}
ERROR_DESCRIPTIONS = {
    "400": "Invalid input: `errors` maps each field (or query parameter) to its messages.",
    "401": "No credentials, or a token that is invalid, expired, revoked or for another host.",
    "403": "The caller's role or token scopes do not allow this here (or the CSRF check failed).",
    "404": "No such object here, or a page past the last one.",
    "415": "The body is not JSON, a form or multipart (see the request content types).",
}


class ApiAutoSchema(AutoSchema):
    def error_codes(self) -> list[str]:
        permissions = [type(p) for p in self.view.get_permissions()]
        if permissions and all(p is AllowAny for p in permissions):
            return []
        codes = ["401"]
        # Session callers can fail the CSRF check on any unsafe method.
        if self.method in UNSAFE_METHODS or any(p is not IsAuthenticated for p in permissions):
            codes.append("403")
        is_list = self.method == "GET" and self._is_list_view()
        if self.method in UNSAFE_METHODS or is_list:
            codes.append("400")  # bodies, filters and page parameters are validated
        if "{" in self.path or is_list:
            codes.append("404")
        if self.method in BODY_METHODS and self.get_request_serializer() is not None:
            codes.append("415")
        return codes

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self.error_codes():
            if code not in responses:
                response = OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code])
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return responses
