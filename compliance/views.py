"""Compliance pages: the practice's exclusion screening (practice host) and the shared
exclusion list (MSO portal)."""

from django.contrib import messages
from django.db import connection
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from mso.accounts import policy
from mso.accounts.decorators import require
from mso.accounts.policy import Action
from mso.errors import FieldErrors
from mso.forms import apply_errors
from mso.reference.models import ExclusionList
from mso.reference.services import exclusion_list_current, exclusion_list_import

from . import selectors, services
from .choices import MatchStatus
from .forms import ExclusionListUploadForm, MatchDecisionForm
from .models import ExclusionScreening


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
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            imported, created = exclusion_list_import(
                actor=request.user, file_name=upload.name, content=upload.read()
            )
        except FieldErrors as exc:
            apply_errors(form, exc.errors)
        else:
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
