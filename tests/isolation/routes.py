"""Every route a host serves, found by walking its URL conf (and cross-checked against the
OpenAPI schema), so that a new endpoint or page cannot escape the isolation matrix."""

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

URLCONFS = {"practice": "mso.urls_tenant", "portal": "mso.urls_public"}
_PARAM = re.compile(r"<(?:\w+:)?(\w+)>")
_IGNORED_METHODS = {"options", "head", "trace"}


@dataclass(frozen=True)
class Route:
    host: str  # "practice" or "portal"
    name: str
    pattern: str  # "api/v1/claims/<int:pk>/"
    view: object

    @property
    def key(self) -> tuple[str, str]:
        return self.host, self.name

    @property
    def is_api(self) -> bool:
        return self.pattern.startswith("api/v1/")

    @property
    def view_methods(self) -> tuple[str, ...] | None:
        """The methods a class-based view answers; None for a function view."""
        view_class = getattr(self.view, "view_class", None) or getattr(self.view, "cls", None)
        if view_class is None:
            return None
        return tuple(
            m.upper()
            for m in view_class.http_method_names
            if m not in _IGNORED_METHODS and hasattr(view_class, m)
        )

    def url(self, kwargs: dict) -> str:
        return "/" + _PARAM.sub(lambda m: str(kwargs[m.group(1)]), self.pattern)

    def schema_path(self) -> str:
        """The path as the OpenAPI schema writes it, parameters blanked: /api/v1/claims/{}/."""
        return "/" + _PARAM.sub("{}", self.pattern)


def _walk(patterns, prefix: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def discover() -> list[Route]:
    routes = []
    for host, urlconf in URLCONFS.items():
        for pattern, entry in _walk(get_resolver(urlconf).url_patterns):
            assert entry.name, f"{urlconf}: route {pattern!r} has no name; name it"
            routes.append(Route(host, entry.name, pattern, entry.callback))
    return routes


def openapi_operations(host: str) -> set[tuple[str, str]]:
    """(blanked path, METHOD) of every operation in the host's OpenAPI schema."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator(urlconf=URLCONFS[host]).get_schema(request=None, public=True)
    operations = set()
    for path, item in schema["paths"].items():
        blank = re.sub(r"\{[^}]+\}", "{}", path)
        operations |= {(blank, method.upper()) for method in item if method not in {"parameters"}}
    return operations
