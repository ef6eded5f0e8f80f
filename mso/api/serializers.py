from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers


# many=False: on a list view the error body is still one object, never a page of them.
@extend_schema_serializer(many=False)
class ErrorSerializer(serializers.Serializer):
    """The body of every error response."""

    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
