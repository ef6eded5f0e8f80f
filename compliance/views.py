"""Compliance pages: the practice's exclusion screening (practice host) and the shared
exclusion list (MSO portal)."""

from collections import Counter

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from mso.accounts import policy
from mso.accounts.decorators import require
from mso.accounts.policy import Action
from mso.errors import FieldErrors
from mso.forms import apply_errors, create_form, submit
from mso.reference.models import ExclusionList
from mso.reference.services import exclusion_list_current, exclusion_list_import
from mso.tenancy.selectors import practice_list

from . import selectors, services
from .choices import MatchStatus
from .forms import (
    BreachNoticeForm,
    CredentialForm,
    CredentialVerifyForm,
    ExclusionListUploadForm,
    IncidentAssessForm,
    IncidentReportForm,
    MatchDecisionForm,
    PolicyForm,
    PolicyVersionForm,
)
from .models import Credential, ExclusionScreening, Policy, SecurityIncident
from .portfolio import compliance_overview as compliance_overview_rows
from .services.incidents import FACTORS, OUTCOMES
from .services.policies import may_publish


@require(Action.COMPLIANCE_VIEW)
def compliance_home(request):
    matches = list(selectors.match_list())
    return render(
        request,
        "compliance/home.html",
        {
            "latest": selectors.screening_latest(),
            "exclusion_list": exclusion_list_current(),
            "open": [m for m in matches if m.status == MatchStatus.OPEN],
            "decided": [m for m in matches if m.status != MatchStatus.OPEN],
            "screenings": ExclusionScreening.objects.select_related("run_by")[:12],
            "subjects": services.screening_subjects(),
            "decision_form": MatchDecisionForm(),
            "can_manage": policy.can(request.user, Action.COMPLIANCE_MANAGE, connection.tenant),
        },
    )


@require_POST
@require(Action.COMPLIANCE_MANAGE)
def compliance_screen(request):
    try:
        screening = services.exclusion_screen(actor=request.user)
    except FieldErrors as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"Screened {screening.subjects_screened} people: {screening.match_count} match(es).",
        )
    return redirect("compliance-home")


@require_POST
@require(Action.COMPLIANCE_MANAGE)
def exclusion_match_decide(request, pk):
    match = get_object_or_404(selectors.match_list(), pk=pk)
    form = MatchDecisionForm(request.POST)
    if not form.is_valid():
        problems = [f"{field}: {m}" for field, ms in form.errors.items() for m in ms]
        messages.error(request, "Not saved. " + " ".join(problems))
        return redirect("compliance-home")
    try:
        services.exclusion_match_decide(
            actor=request.user,
            match=match,
            decision=form.cleaned_data["decision"],
            note=form.cleaned_data["note"],
        )
    except FieldErrors as exc:
        messages.error(request, f"Not saved. {exc}")
    else:
        messages.success(request, f"{match.subject_name}: decision recorded.")
    return redirect("compliance-home")


@require(Action.EXCLUSION_LIST_MANAGE)
def exclusion_list_page(request):
    form = ExclusionListUploadForm(request.POST or None, request.FILES or None)
    result = submit(
        form,
        lambda data: exclusion_list_import(
            actor=request.user, file_name=data["file"].name, content=data["file"].read()
        ),
    )
    if result is not None:
        imported, created = result
        if created:
            messages.success(request, f"Exclusion list imported: {imported}.")
        else:
            messages.info(request, "This file was already imported; nothing changed.")
        return redirect("exclusion-list")
    return render(
        request,
        "compliance/exclusion_list.html",
        {"form": form, "imports": ExclusionList.objects.select_related("imported_by")[:24]},
    )


@require(Action.COMPLIANCE_VIEW)
def credential_list(request):
    can_manage = policy.can(request.user, Action.COMPLIANCE_MANAGE, connection.tenant)
    form = create_form(request, CredentialForm, allowed=can_manage)
    credential = submit(
        form, lambda data: services.credential_create(actor=request.user, data=data)
    )
    if credential is not None:
        messages.success(request, f"{credential} added for {credential.provider}.")
        return redirect("credential-list")
    credentials = selectors.credential_list()
    counts = Counter(c.status for c in credentials)
    return render(
        request,
        "compliance/credentials.html",
        {"credentials": credentials, "form": form, "counts": counts, "can_manage": can_manage},
    )


@require(Action.COMPLIANCE_MANAGE)
def credential_edit(request, pk):
    credential = get_object_or_404(Credential.objects.select_related("provider"), pk=pk)
    # The form works on its own copy: the service compares stored values with new ones.
    form = CredentialForm(request.POST or None, instance=Credential.objects.get(pk=pk))
    saved = submit(
        form,
        lambda data: services.credential_update(
            actor=request.user, credential=credential, data=data
        ),
    )
    if saved is not None:
        messages.success(request, f"{credential} updated.")
        return redirect("credential-list")
    return render(
        request,
        "compliance/credential_edit.html",
        {"credential": credential, "form": form, "verify_form": CredentialVerifyForm()},
    )


@require_POST
@require(Action.COMPLIANCE_MANAGE)
def credential_verify(request, pk):
    credential = get_object_or_404(Credential, pk=pk)
    form = CredentialVerifyForm(request.POST)
    source = form.cleaned_data["source"] if form.is_valid() else ""
    try:
        services.credential_verify(actor=request.user, credential=credential, source=source)
    except FieldErrors as exc:
        messages.error(request, f"Not saved. {exc}")
        return redirect("credential-edit", pk=pk)
    messages.success(request, f"{credential}: verification recorded.")
    return redirect("credential-list")


@require(Action.PORTAL_ACCESS)
def compliance_overview(request):
    """Every practice the MSO user may see: what compliance work is waiting where."""
    rows = compliance_overview_rows(practice_list(user=request.user), timezone.localdate())
    return render(request, "compliance/overview.html", {"rows": rows})


@require(Action.COMPLIANCE_VIEW)
def incident_list(request):
    allowed = policy.can(request.user, Action.COMPLIANCE_MANAGE, connection.tenant)
    form = create_form(request, IncidentReportForm, allowed=allowed)
    incident = submit(form, lambda data: services.incident_report(actor=request.user, data=data))
    if incident is not None:
        messages.success(request, "Incident recorded: assess it now.")
        return redirect("incident-detail", pk=incident.pk)
    return render(
        request,
        "compliance/incidents.html",
        {"incidents": selectors.incident_list(), "form": form},
    )


_INCIDENT_FORMS = {"assess": IncidentAssessForm, "notice": BreachNoticeForm}


def _incident_page(request, incident, forms_by_action=None):
    forms_by_action = forms_by_action or {}
    return render(
        request,
        "compliance/incident_detail.html",
        {
            "incident": incident,
            "obligations": selectors.incident_obligations(incident, timezone.localdate()),
            "assess_form": forms_by_action.get("assess")
            or IncidentAssessForm(
                initial={
                    "phi_involved": incident.phi_involved,
                    "individuals_affected": incident.individuals_affected,
                    "largest_state_count": incident.largest_state_count,
                    **{name: getattr(incident, name) for name in FACTORS},
                    "outcome": incident.status if incident.status in OUTCOMES else None,
                }
            ),
            "notice_form": forms_by_action.get("notice") or BreachNoticeForm(),
        },
    )


@require(Action.COMPLIANCE_VIEW)
def incident_detail(request, pk):
    incident = get_object_or_404(SecurityIncident, pk=pk)
    return _incident_page(request, incident)


@require_POST
@require(Action.COMPLIANCE_MANAGE)
def incident_action(request, pk, action):
    incident = get_object_or_404(SecurityIncident, pk=pk)
    if action == "close":
        try:
            services.incident_close(actor=request.user, incident=incident)
        except FieldErrors as exc:
            messages.error(request, f"Not closed. {exc}")
        else:
            messages.success(request, "Incident closed.")
        return redirect("incident-detail", pk=pk)
    if action not in _INCIDENT_FORMS:
        raise Http404
    form = _INCIDENT_FORMS[action](request.POST)
    write = services.incident_assess if action == "assess" else services.breach_notice_record
    if submit(form, lambda data: write(actor=request.user, incident=incident, data=data)):
        done = "Assessment saved." if action == "assess" else "Notice recorded."
        messages.success(request, done)
        return redirect("incident-detail", pk=pk)
    incident.refresh_from_db()
    return _incident_page(request, incident, {action: form})


def _may_publish_any(user) -> bool:
    practice = connection.tenant
    return policy.can(user, Action.COMPLIANCE_MANAGE, practice) or policy.can(
        user, Action.CLINICAL_DECIDE, practice
    )


@require(Action.POLICY_VIEW)
def policy_list(request):
    form = create_form(request, PolicyForm, allowed=_may_publish_any(request.user))
    created = submit(form, lambda data: services.policy_create(actor=request.user, data=data))
    if created is not None:
        messages.success(request, f"{created} published.")
        return redirect("policy-detail", pk=created.pk)
    return render(
        request,
        "compliance/policies.html",
        {"policies": selectors.policy_list(request.user, connection.tenant), "form": form},
    )


def _policy_page(request, item, version_form=None):
    versions = list(item.versions.select_related("published_by"))
    if not versions:
        raise Http404("This policy has no published version.")
    current = versions[0]
    rows = selectors.attestation_rows(current, connection.tenant)
    mine = next((a for person, a in rows if person.pk == request.user.pk), None)
    return render(
        request,
        "compliance/policy_detail.html",
        {
            "policy": item,
            "current": current,
            "versions": versions,
            "rows": rows,
            "must_attest": any(p.pk == request.user.pk for p, _ in rows) and mine is None,
            "mine": mine,
            "version_form": version_form or PolicyVersionForm(initial={"body": current.body}),
            "can_publish": may_publish(request.user, item.category),
        },
    )


@require(Action.POLICY_VIEW)
def policy_detail(request, pk):
    return _policy_page(request, get_object_or_404(Policy, pk=pk))


@require_POST
@require(Action.POLICY_VIEW)
def policy_action(request, pk, action):
    item = get_object_or_404(Policy, pk=pk)
    if action == "attest":
        current = item.versions.order_by("-number").first()
        try:
            services.policy_attest(actor=request.user, version=current)
        except FieldErrors as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"You attested to {current}.")
        return redirect("policy-detail", pk=pk)
    if action != "publish":
        raise Http404
    form = PolicyVersionForm(request.POST)
    if form.is_valid():
        try:
            version = services.policy_publish(
                actor=request.user, policy=item, data=form.cleaned_data
            )
        except services.PolicyDecisionError as exc:
            raise PermissionDenied(str(exc)) from None
        except FieldErrors as exc:
            apply_errors(form, exc.errors)
        else:
            messages.success(request, f"{version} published: everyone attests again.")
            return redirect("policy-detail", pk=pk)
    return _policy_page(request, item, version_form=form)
