"""PATCH through a service, the same way for every detail endpoint."""

from rest_framework.response import Response


def patch_through(view, request, serializer_class, update, name: str) -> Response:
    """Validate a partial update with `serializer_class`, save it with `update(actor=...,
    data=..., <name>=object)`: 400 with field messages, or 200 with the saved object."""
    instance = view.get_object()
    serializer = serializer_class(instance, data=request.data, partial=True)
    serializer.is_valid(raise_exception=True)
    saved = update(actor=request.user, data=serializer.validated_data, **{name: instance})
    return Response(serializer_class(saved).data)
