"""Audit search and export (MSO admins) and break-glass emergency access pages."""

import csv
import json

from django.contrib import messages
from django.contrib.auth import logout
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from mso.accounts import policy
from mso.accounts.decorators import require
from mso.accounts.policy import Action
from mso.errors import FieldErrors
from mso.forms import apply_errors
from mso.tenancy.context import request_practice

from . import emergency
from .forms import AuditSearchForm, EmergencyRequestForm, EmergencyReviewForm
from .models import EmergencyGrant
from .selectors import audit_search, grant_list, patient_lookup
from .services import audit_record

CSV_COLUMNS = [
    "occurred_at",
    "actor_id",
    "actor_label",
    "practice_schema",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "patient_ids",
    "request_id",
    "ip_address",
    "channel",
    "emergency_grant_id",
    "is_alert",
    "changes",
]


def _search(request):
    """The form and the matching events; a search by patient is itself audited."""
    form = AuditSearchForm(request.GET or None)
    if not form.is_valid():
        return form, audit_search(filters={}), None
    filters = form.cleaned_data
    patient_ids = None
    if filters.get("patient"):
        patient_ids = patient_lookup(practice=filters["practice"], term=filters["patient"])
    return form, audit_search(filters=filters, patient_ids=patient_ids), patient_ids


@require(Action.AUDIT_VIEW)
def audit_list(request):
    form, events, patient_ids = _search(request)
    if patient_ids is not None:
        audit_record(
            actor=request.user,
            action="audit.search",
            practice=form.cleaned_data["practice"],
            changes={"query": request.GET.urlencode()},
            patient_ids=patient_ids,
        )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "audit/audit_list.html", {"form": form, "page_obj": page})


class _Echo:
    def write(self, value):
        return value


def _cell(value) -> str:
    text = "" if value is None else str(value)
    # A spreadsheet would run a cell that starts like a formula (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv_row(event) -> list[str]:
    values = {
        **{name: getattr(event, name) for name in CSV_COLUMNS},
        "occurred_at": event.occurred_at.isoformat(),
        "patient_ids": " ".join(str(pid) for pid in event.patient_ids),
        "changes": json.dumps(event.changes, sort_keys=True, default=str),
    }
    return [_cell(values[name]) for name in CSV_COLUMNS]


@require(Action.AUDIT_VIEW)
def audit_export(request):
    """The filtered events as CSV, streamed; the export is recorded first."""
    form, events, patient_ids = _search(request)
    export = audit_record(
        actor=request.user,
        action="audit.export",
        practice=form.cleaned_data.get("practice") if form.is_bound and form.is_valid() else None,
        changes={"query": request.GET.urlencode(), "rows": events.count()},
        patient_ids=patient_ids,
    )
    writer = csv.writer(_Echo())
    events = events.exclude(pk=export.pk)
    rows = (writer.writerow(_csv_row(e)) for e in events.iterator(chunk_size=2000))
    response = StreamingHttpResponse(
        (r for chunk in ([writer.writerow(CSV_COLUMNS)], rows) for r in chunk),
        content_type="text/csv; charset=utf-8",
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response


@require(Action.PRACTICE_VIEW)
def emergency_access(request):
    """Ask for break-glass access (the MSO portal: any practice; a practice host: this one)."""
    here = request_practice(request)
    form = EmergencyRequestForm(request.POST or None, practice=here)
    if request.method == "POST" and form.is_valid():
        try:
            grant = emergency.grant_request(
                user=request.user,
                practice=here or form.cleaned_data["practice"],
                reason=form.cleaned_data["reason"],
                minutes=form.cleaned_data["minutes"],
            )
        except FieldErrors as exc:
            apply_errors(form, exc.errors)
        else:
            policy.forget(request.user)
            messages.warning(
                request, f"Emergency access to {grant.practice.name} granted; MSO admins notified."
            )
            return redirect("emergency-access")
    return render(
        request,
        "audit/emergency_access.html",
        {
            "form": form,
            "here": here,
            "is_admin": policy.is_mso_admin(request.user),
            "grants": grant_list().filter(user=request.user)[:20],
            "max_minutes": emergency.max_minutes(),
        },
    )


@require_POST
@require(Action.PRACTICE_VIEW)
def emergency_end(request, pk):
    # Only the holder or an MSO admin may end a grant; anyone else is told nothing about it.
    grant = get_object_or_404(EmergencyGrant, pk=pk)
    if grant.user_id != request.user.pk and not policy.is_mso_admin(request.user):
        raise Http404
    try:
        emergency.grant_end(grant=grant, actor=request.user)
    except FieldErrors as exc:
        messages.error(request, str(exc))
        return redirect("emergency-access")
    here = request_practice(request)
    if here is not None and not policy.can(request.user, Action.PRACTICE_VIEW, here):
        # The grant was the only way in: nothing left to show on this host.
        logout(request)
        return redirect("login")
    messages.success(request, "Emergency access ended.")
    return redirect("emergency-access")


@require(Action.AUDIT_VIEW)
def emergency_review_list(request):
    pending = request.GET.get("pending") == "1"
    page = Paginator(grant_list(unreviewed_only=pending), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/emergency_review.html",
        {"page_obj": page, "pending": pending, "form": EmergencyReviewForm()},
    )


@require_POST
@require(Action.AUDIT_VIEW)
def emergency_review(request, pk):
    grant = get_object_or_404(EmergencyGrant, pk=pk)
    form = EmergencyReviewForm(request.POST)
    form.is_valid()
    try:
        emergency.grant_review(
            grant=grant,
            actor=request.user,
            outcome=form.cleaned_data.get("outcome", ""),
            note=form.cleaned_data.get("note", ""),
        )
    except FieldErrors as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Review of emergency access #{grant.pk} recorded.")
    return redirect("emergency-review-list")
