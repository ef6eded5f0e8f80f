from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .services import token_authenticate


class PracticeTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token mso_...` (or `Bearer`). Valid only on its own practice's host."""

    keywords = ("token", "bearer")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Malformed Authorization header.")
        token = token_authenticate(presented=header[1])
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked token.")
        tenant = getattr(request, "tenant", None)
        if tenant is None or tenant.pk != token.practice_id:
            raise exceptions.AuthenticationFailed("This token is not valid for this host.")
        return token.user, token

    def authenticate_header(self, request):
        return "Token"


class PracticeTokenScheme(OpenApiAuthenticationExtension):
    target_class = "mso.accounts.authentication.PracticeTokenAuthentication"
    name = "practiceToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token mso_...`, issued on the practice's API tokens page.",
        }
