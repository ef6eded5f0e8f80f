"""Practice host pages: home (profile, owners, members), locations, members, API tokens."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from compliance.selectors import todo_for as compliance_todo
from mso.accounts import policy
from mso.accounts import services as account_services
from mso.accounts.api.views import invitation_link
from mso.accounts.choices import Role
from mso.accounts.decorators import require
from mso.accounts.forms import InvitationForm, TokenForm
from mso.accounts.models import User
from mso.accounts.policy import Action
from mso.accounts.selectors import membership_list, token_list
from mso.audit.services import audit_read, audit_read_list
from mso.errors import FieldErrors
from mso.forms import apply_errors, create_form, submit
from mso.identifiers import tin_masked
from mso.tenancy.models import Practice

from . import services
from .forms import (
    CoverageEditForm,
    CoverageForm,
    LocationForm,
    PatientEditForm,
    PatientForm,
    ProviderEditForm,
    ProviderForm,
)
from .models import Coverage, Location, Patient, Provider
from .selectors import practice_summary


def _practice():
    return Practice.objects.prefetch_related("owners", "domains").get(pk=connection.tenant.pk)


@require(Action.PRACTICE_VIEW)
def practice_home(request):
    practice = _practice()
    members = membership_list(user=request.user, practice=practice)
    return render(
        request,
        "practices/home.html",
        {
            "practice": practice,
            "owners": practice.owners.all(),
            "members": members,
            "tin_masked": tin_masked(practice.tin),
            "summary": practice_summary(),
            "can_see_members": policy.can(request.user, Action.MEMBERSHIP_VIEW, practice),
            "compliance_todo": compliance_todo(request.user, practice),
        },
    )


@require(Action.LOCATION_VIEW)
def location_list(request):
    practice = connection.tenant
    can_manage = policy.can(request.user, Action.LOCATION_MANAGE, practice)
    form = LocationForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                location = services.location_create(actor=request.user, data=form.cleaned_data)
            except FieldErrors as exc:
                apply_errors(form, exc.errors)
            else:
                messages.success(request, f"Location {location.name} added.")
                return redirect("location-list")
    return render(
        request,
        "practices/locations.html",
        {
            "locations": Location.objects.all(),
            "form": form,
        },
    )


@require(Action.MEMBERSHIP_VIEW)
def member_list(request):
    practice = connection.tenant
    can_manage = policy.can(request.user, Action.MEMBERSHIP_MANAGE, practice)
    form = InvitationForm(request.POST or None, user=request.user, practice=practice)
    invitation_url = None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                invitation, secret = account_services.invitation_create(
                    actor=request.user,
                    email=form.cleaned_data["email"],
                    practice=practice,
                    role=form.cleaned_data["role"],
                )
            except FieldErrors as exc:
                apply_errors(form, exc.errors)
            else:
                invitation_url = invitation_link(request, invitation, secret)
                messages.success(request, f"Invitation created for {invitation.email}.")
                form = InvitationForm(user=request.user, practice=practice)
    return render(
        request,
        "practices/members.html",
        {
            "members": membership_list(user=request.user, practice=practice),
            "form": form if can_manage else None,
            "invitation_url": invitation_url,
            "grantable": policy.grantable_roles(request.user, practice),
        },
    )


@require_POST
@require(Action.MEMBERSHIP_MANAGE)
def member_remove(request, pk):
    membership = get_object_or_404(
        membership_list(user=request.user, practice=connection.tenant), pk=pk
    )
    try:
        account_services.membership_revoke(actor=request.user, membership=membership)
    except FieldErrors as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{membership.user.email} was removed.")
    return redirect("member-list")


@require(Action.TOKEN_VIEW)
def token_page(request):
    practice = connection.tenant
    can_manage = policy.can(request.user, Action.TOKEN_MANAGE, practice)
    integrators = User.objects.filter(
        memberships__practice=practice, memberships__role=Role.INTEGRATOR
    )
    form = TokenForm(request.POST or None, integrators=integrators)
    new_token = None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                _, new_token = account_services.token_create(
                    actor=request.user,
                    practice=practice,
                    user=integrators.get(pk=form.cleaned_data["user"]),
                    name=form.cleaned_data["name"],
                    scopes=form.cleaned_data["scopes"],
                    expires_at=form.cleaned_data["expires_at"],
                )
            except FieldErrors as exc:
                apply_errors(form, exc.errors)
            else:
                form = TokenForm(integrators=integrators)
    return render(
        request,
        "practices/tokens.html",
        {
            "tokens": token_list(practice=practice),
            "form": form if can_manage else None,
            "new_token": new_token,
        },
    )


@require_POST
@require(Action.TOKEN_MANAGE)
def token_revoke(request, pk):
    token = get_object_or_404(token_list(practice=connection.tenant), pk=pk)
    account_services.token_revoke(actor=request.user, token=token)
    messages.success(request, f"Token {token.name} revoked.")
    return redirect("token-list")


def _create_page(request, *, form_class, create, template, context, success):
    """List page with a create form beside it, for managers of practice data."""
    allowed = policy.can(request.user, Action.PATIENT_MANAGE, connection.tenant)
    form = create_form(request, form_class, allowed=allowed)
    created = submit(form, lambda data: create(actor=request.user, data=data))
    if created is not None:
        messages.success(request, success.format(created))
        return redirect(request.path)
    return render(request, template, {**context, "form": form})


def _edit_page(request, *, instance, form_class, update, title, saved, back, context=None):
    """A full-page form correcting one row through its service. The form works on its own copy
    of the row, so the service compares the stored values with the new ones."""
    copy = type(instance).objects.get(pk=instance.pk)
    form = form_class(request.POST or None, instance=copy)
    name = instance._meta.model_name
    if submit(form, lambda data: update(actor=request.user, data=data, **{name: instance})):
        messages.success(request, saved)
        return redirect(back)
    return render(
        request,
        "practices/edit.html",
        {"form": form, "heading": title, "back": back, **(context or {})},
    )


@require(Action.PATIENT_MANAGE)
def provider_edit(request, pk):
    provider = get_object_or_404(Provider, pk=pk)
    return _edit_page(
        request,
        instance=provider,
        form_class=ProviderEditForm,
        update=services.provider_update,
        title=f"Edit provider {provider}",
        saved=f"Provider {provider} updated.",
        back=reverse("provider-list"),
    )


@sensitive_post_parameters("ssn")
@require(Action.PATIENT_MANAGE)
def patient_edit(request, pk):
    patient = get_object_or_404(Patient, pk=pk)
    audit_read(actor=request.user, obj=patient)  # a refused POST shows the record again
    return _edit_page(
        request,
        instance=patient,
        form_class=PatientEditForm,
        update=services.patient_update,
        title=f"Edit {patient.last_name}, {patient.first_name}",
        saved=f"Patient {patient.last_name}, {patient.first_name} updated.",
        back=reverse("patient-detail", args=[patient.pk]),
    )


@require(Action.PATIENT_MANAGE)
def coverage_edit(request, pk, coverage_pk):
    coverage = get_object_or_404(
        Coverage.objects.select_related("payer", "patient"), pk=coverage_pk, patient_id=pk
    )
    audit_read(actor=request.user, obj=coverage)
    return _edit_page(
        request,
        instance=coverage,
        form_class=CoverageEditForm,
        update=services.coverage_update,
        title=f"Edit coverage: {coverage.payer.name}",
        saved="Coverage updated.",
        back=reverse("patient-detail", args=[pk]),
        context={"subtitle": str(coverage.patient)},
    )


@require(Action.PATIENT_VIEW)
def provider_list(request):
    return _create_page(
        request,
        form_class=ProviderForm,
        create=services.provider_create,
        template="practices/providers.html",
        context={
            "providers": Provider.objects.all(),
            "can_edit": policy.can(request.user, Action.PATIENT_MANAGE, connection.tenant),
        },
        success="Provider {} added.",
    )


@sensitive_post_parameters("ssn")
@require(Action.PATIENT_VIEW)
def patient_list(request):
    query = request.GET.get("q", "").strip()
    patients = Patient.objects.all()
    if query:
        patients = patients.filter(last_name__icontains=query) | patients.filter(mrn=query)
    page = Paginator(patients.order_by("last_name", "first_name"), 50).get_page(
        request.GET.get("page")
    )
    audit_read_list(actor=request.user, objects=page)
    return _create_page(
        request,
        form_class=PatientForm,
        create=services.patient_create,
        template="practices/patients.html",
        context={"page_obj": page, "q": query},
        success="Patient {} added.",
    )


@require(Action.PATIENT_VIEW)
def patient_detail(request, pk):
    patient = get_object_or_404(Patient.objects.prefetch_related("coverages__payer"), pk=pk)
    audit_read(actor=request.user, obj=patient)
    can_manage = policy.can(request.user, Action.PATIENT_MANAGE, connection.tenant)
    form = CoverageForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.coverage_create(
                    actor=request.user, data={**form.cleaned_data, "patient": patient}
                )
            except FieldErrors as exc:
                apply_errors(form, exc.errors)
            else:
                messages.success(request, "Coverage added.")
                return redirect("patient-detail", pk=pk)
    encounters = patient.encounters.select_related("provider").order_by("-date_of_service")[:50]
    return render(
        request,
        "practices/patient_detail.html",
        {"patient": patient, "form": form, "encounters": encounters, "can_edit": can_manage},
    )
