"""Workforce pages (practice host)."""

from django.contrib import messages
from django.db import connection
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from mso.accounts import policy
from mso.accounts.decorators import require
from mso.accounts.policy import Action
from mso.errors import FieldErrors
from mso.forms import create_form, submit

from . import services
from .forms import EmployeeForm, RehireForm, TerminationForm
from .models import Employee, current_employees


@sensitive_post_parameters("ssn")
@require(Action.HR_VIEW)
def employee_list(request):
    allowed = policy.can(request.user, Action.HR_MANAGE, connection.tenant)
    form = create_form(request, EmployeeForm, allowed=allowed)
    hired = submit(form, lambda data: services.employee_hire(actor=request.user, data=data))
    if hired is not None:
        messages.success(request, f"{hired} added and screened.")
        return redirect("employee-list")
    show = request.GET.get("show", "current")
    employees = Employee.objects.all()
    if show != "all":
        employees = employees.filter(current_employees())
    return render(
        request, "hr/employees.html", {"employees": employees, "form": form, "show": show}
    )


@sensitive_post_parameters("ssn")
@require(Action.HR_MANAGE)
def employee_detail(request, pk):
    employee = get_object_or_404(Employee, pk=pk)
    # The form works on its own copy: the service compares stored values with new ones.
    form = EmployeeForm(request.POST or None, instance=Employee.objects.get(pk=pk))
    update = services.employee_update
    if submit(form, lambda data: update(actor=request.user, employee=employee, data=data)):
        messages.success(request, f"{employee} updated.")
        return redirect("employee-list")
    return render(
        request,
        "hr/employee_detail.html",
        {
            "employee": employee,
            "form": form,
            "termination_form": TerminationForm(),
            "rehire_form": RehireForm(),
        },
    )


@require_POST
@require(Action.HR_MANAGE)
def employee_terminate(request, pk):
    employee = get_object_or_404(Employee, pk=pk)
    form = TerminationForm(request.POST)
    try:
        if not form.is_valid():
            raise services.EmployeeError({"termination_date": ["Enter the last day."]})
        services.employee_terminate(
            actor=request.user, employee=employee, on=form.cleaned_data["termination_date"]
        )
    except FieldErrors as exc:
        messages.error(request, f"Not saved. {exc}")
        return redirect("employee-detail", pk=pk)
    messages.success(request, f"{employee}'s last day is recorded.")
    return redirect("employee-list")


@require_POST
@require(Action.HR_MANAGE)
def employee_rehire(request, pk):
    employee = get_object_or_404(Employee, pk=pk)
    form = RehireForm(request.POST)
    try:
        if not form.is_valid():
            raise services.EmployeeError({"hire_date": ["Enter the new hire date."]})
        services.employee_rehire(
            actor=request.user, employee=employee, on=form.cleaned_data["hire_date"]
        )
    except FieldErrors as exc:
        messages.error(request, f"Not saved. {exc}")
        return redirect("employee-detail", pk=pk)
    messages.success(request, f"{employee} rehired and screened.")
    return redirect("employee-detail", pk=pk)
