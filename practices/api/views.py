from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from mso.accounts.policy import Action
from mso.api.serializers import ErrorSerializer
from practices import services
from practices.models import Location

from .serializers import LocationSerializer


class LocationListApi(generics.ListAPIView):
    """Service locations of the practice (tenant data)."""

    serializer_class = LocationSerializer
    policy_actions = {"GET": Action.LOCATION_VIEW, "POST": Action.LOCATION_MANAGE}
    queryset = Location.objects.all()
    filterset_fields = ["state", "place_of_service", "is_active"]
    search_fields = ["name", "city"]
    ordering_fields = ["name", "city", "created_at"]

    @extend_schema(
        request=LocationSerializer, responses={201: LocationSerializer, 400: ErrorSerializer}
    )
    def post(self, request):
        serializer = LocationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        location = services.location_create(actor=request.user, data=serializer.validated_data)
        return Response(LocationSerializer(location).data, status=status.HTTP_201_CREATED)


class LocationDetailApi(generics.RetrieveAPIView):
    serializer_class = LocationSerializer
    policy_actions = {"GET": Action.LOCATION_VIEW, "PATCH": Action.LOCATION_MANAGE}
    queryset = Location.objects.all()

    @extend_schema(
        request=LocationSerializer, responses={200: LocationSerializer, 400: ErrorSerializer}
    )
    def patch(self, request, pk):
        location = self.get_object()
        serializer = LocationSerializer(location, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        location = services.location_update(
            actor=request.user, location=location, data=serializer.validated_data
        )
        return Response(LocationSerializer(location).data)
