from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from hr import services
from hr.api.serializers import EmployeeSerializer
from hr.models import Employee
from mso.accounts.policy import Action
from mso.api.serializers import ErrorSerializer
from mso.api.updates import patch_through


@method_decorator(sensitive_post_parameters("ssn"), name="dispatch")
class EmployeeListApi(generics.ListAPIView):
    """The practice's workforce. POST hires (and screens) one."""

    serializer_class = EmployeeSerializer
    policy_actions = {"GET": Action.HR_VIEW, "POST": Action.HR_MANAGE}
    queryset = Employee.objects.all()
    filterset_fields = ["department", "employment_type"]
    search_fields = ["last_name", "first_name", "job_title"]

    @extend_schema(responses={201: EmployeeSerializer, 400: ErrorSerializer})
    def post(self, request):
        serializer = EmployeeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        hired = services.employee_hire(actor=request.user, data=serializer.validated_data)
        return Response(EmployeeSerializer(hired).data, status=status.HTTP_201_CREATED)


@method_decorator(sensitive_post_parameters("ssn"), name="dispatch")
class EmployeeDetailApi(generics.RetrieveAPIView):
    """One employee; PATCH corrects the record (name or date of birth changes screen again)."""

    serializer_class = EmployeeSerializer
    policy_actions = {"GET": Action.HR_VIEW, "PATCH": Action.HR_MANAGE}
    queryset = Employee.objects.all()

    @extend_schema(responses={200: EmployeeSerializer, 400: ErrorSerializer})
    def patch(self, request, pk):
        return patch_through(
            self, request, EmployeeSerializer, services.employee_update, "employee"
        )
