from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from mso.jobs.selectors import job_visible
from mso.tenancy.context import request_practice

from .serializers import JobSerializer


class JobDetailApi(GenericAPIView):
    """Progress of a background job (provisioning, claim batches, fee runs...)."""

    permission_classes = [IsAuthenticated]  # visibility is decided by job_visible (policy)
    serializer_class = JobSerializer

    @extend_schema(responses=JobSerializer)
    def get(self, request, job_id):
        token = request.auth if hasattr(request.auth, "scopes") else None
        job = job_visible(
            user=request.user, practice=request_practice(request), job_id=job_id, token=token
        )
        if job is None:
            raise Http404
        return Response(JobSerializer(job).data)
