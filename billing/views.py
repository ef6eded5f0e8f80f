"""Practice-host billing pages: encounters, coding queries, the claim work queue, batches and
acknowledgements."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from billing import selectors_kpis
from billing.api.views import batch_file_response
from billing.choices import TRANSITIONS, ClaimStatus, DenialStatus, QueryStatus
from billing.documents import appeal_letter_pdf
from billing.forms import (
    AckUploadForm,
    AppealForm,
    CodingQueryForm,
    CorrectForm,
    DecisionForm,
    DenialNoteForm,
    EncounterForm,
    EncounterLineFormSet,
    PatientPaymentForm,
    VoidForm,
    WriteOffForm,
)
from billing.models import (
    Acknowledgement,
    ClaimBatchFile,
    ClaimFinding,
    ClaimPayment,
    CodingQuery,
    DenialCase,
    Encounter,
    Remittance,
    Statement,
    StatementRun,
)
from billing.scrubber import EDITS
from billing.selectors import claim_queryset
from billing.selectors_ar import patient_balances
from billing.selectors_denials import (
    denial_analytics,
    denial_assignees,
    denial_queryset,
    denial_queue,
)
from billing.services import (
    acks,
    batches,
    claims,
    coding,
    denials,
    encounters,
    patient_billing,
    remittances,
)
from billing.uploads import upload_text
from billing.x12.carc import carc_text, rarc_text
from mso.accounts import policy
from mso.accounts.decorators import require
from mso.accounts.models import User
from mso.accounts.policy import Action
from mso.audit.services import audit_read, audit_read_list
from mso.errors import FieldErrors
from mso.forms import apply_errors
from practices.models import Patient


def _can(request, action) -> bool:
    return policy.can(request.user, action, connection.tenant)


@require(Action.ENCOUNTER_VIEW)
def encounter_list(request):
    queryset = (
        Encounter.objects.select_related("patient", "provider")
        .prefetch_related("lines", "claims")
        .order_by("-date_of_service", "-id")
    )
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    audit_read_list(actor=request.user, objects=page)
    return render(
        request,
        "billing/encounters.html",
        {
            "page_obj": page,
            "can_create": _can(request, Action.ENCOUNTER_CREATE),
            "open_queries": CodingQuery.objects.filter(status=QueryStatus.OPEN).count(),
        },
    )


@require(Action.ENCOUNTER_CREATE)
def encounter_new(request):
    form = EncounterForm(request.POST or None)
    formset = EncounterLineFormSet(request.POST or None, prefix="lines")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = {
            **form.cleaned_data,
            "lines": [f.cleaned_data for f in formset.forms if f.has_changed()],
        }
        try:
            encounter, _ = encounters.encounter_create(actor=request.user, data=data)
        except FieldErrors as exc:
            apply_errors(form, {k: v for k, v in exc.errors.items() if not k.startswith("lines")})
            for key, messages_ in exc.errors.items():
                if key.startswith("lines[") and "]." in key:
                    index, name = int(key[6 : key.index("]")]), key.split("].", 1)[1]
                    changed = [f for f in formset.forms if f.has_changed()]
                    if index < len(changed):
                        for message in messages_:
                            changed[index].add_error(
                                name if name in changed[index].fields else None, message
                            )
                elif key == "lines":
                    for message in messages_:
                        form.add_error(None, message)
        else:
            messages.success(request, "Encounter recorded.")
            return redirect("encounter-detail", pk=encounter.pk)
    return render(request, "billing/encounter_new.html", {"form": form, "formset": formset})


@require(Action.ENCOUNTER_VIEW)
def encounter_detail(request, pk):
    encounter = get_object_or_404(
        Encounter.objects.select_related("patient", "provider", "location").prefetch_related(
            "lines",
            "clinical_changes__decided_by",
            "claims__payer",
            "coding_queries__raised_by",
            "coding_queries__decided_by",
        ),
        pk=pk,
    )
    audit_read(actor=request.user, obj=encounter)
    query_form = CodingQueryForm(request.POST or None)
    if request.method == "POST":
        if not _can(request, Action.CODING_QUERY_RAISE):
            raise PermissionDenied
        if query_form.is_valid():
            diagnoses, lines = query_form.proposal()
            try:
                coding.coding_query_raise(
                    actor=request.user,
                    encounter=encounter,
                    question=query_form.cleaned_data["question"],
                    proposed_diagnosis_codes=diagnoses,
                    proposed_lines=lines,
                )
            except FieldErrors as exc:
                apply_errors(query_form, exc.errors)
            else:
                messages.success(request, "Coding query sent to the provider.")
                return redirect("encounter-detail", pk=pk)
    return render(
        request,
        "billing/encounter_detail.html",
        {
            "encounter": encounter,
            "query_form": query_form,
            "can_query": _can(request, Action.CODING_QUERY_RAISE),
            "can_decide": _can(request, Action.CLINICAL_DECIDE),
            "can_bill": _can(request, Action.CLAIM_MANAGE),
            "decision_form": DecisionForm(),
        },
    )


@require_POST
@require(Action.CLINICAL_DECIDE)
def coding_query_decide(request, pk):
    query = get_object_or_404(CodingQuery, pk=pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        coding.coding_query_decide(
            actor=request.user,
            query=query,
            accept=request.POST.get("decision") == "accept",
            note=form.cleaned_data.get("note", ""),
        )
    except FieldErrors as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Decision recorded.")
    return redirect("encounter-detail", pk=query.encounter_id)


@require(Action.ENCOUNTER_VIEW)
def coding_query_list(request):
    queries = CodingQuery.objects.select_related(
        "encounter__patient", "raised_by", "decided_by"
    ).order_by("status", "-created_at")[:200]
    audit_read_list(actor=request.user, objects=queries)
    return render(request, "billing/coding_queries.html", {"queries": queries})


@require_POST
@require(Action.CLAIM_MANAGE)
def claim_build(request, encounter_pk):
    encounter = get_object_or_404(Encounter, pk=encounter_pk)
    try:
        claim = claims.claim_build(actor=request.user, encounter=encounter)
    except FieldErrors as exc:
        messages.error(request, str(exc))
        return redirect("encounter-detail", pk=encounter_pk)
    return redirect("claim-detail", pk=claim.pk)


@require(Action.CLAIM_VIEW)
def claim_list(request):
    status = request.GET.get("status", "")
    code = request.GET.get("finding", "")
    queryset = claim_queryset().select_related("encounter__patient")
    if status:
        queryset = queryset.filter(status=status)
    if code:
        queryset = queryset.filter(findings__code=code, findings__severity="error").distinct()
    counts = dict(claim_queryset().order_by().values_list("status").annotate(n=Count("pk")))
    finding_counts = (
        ClaimFinding.objects.filter(claim__status=ClaimStatus.SCRUB_FAILED, severity="error")
        .values("code")
        .annotate(n=Count("claim", distinct=True))
        .order_by("-n")
    )
    titles = {edit_code: title for edit_code, title, *_ in EDITS}
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    audit_read_list(actor=request.user, objects=page)
    return render(
        request,
        "billing/claims.html",
        {
            "page_obj": page,
            "status": status,
            "finding": code,
            "statuses": [
                (value, label, counts.get(value, 0)) for value, label in ClaimStatus.choices
            ],
            "finding_counts": [
                (row["code"], titles.get(row["code"], ""), row["n"]) for row in finding_counts
            ],
        },
    )


@require(Action.CLAIM_VIEW)
def claim_detail(request, pk):
    claim = get_object_or_404(
        claim_queryset().prefetch_related("history__actor", "corrections"), pk=pk
    )
    audit_read(actor=request.user, obj=claim)
    can_manage = _can(request, Action.CLAIM_MANAGE)
    return render(
        request,
        "billing/claim_detail.html",
        {
            "claim": claim,
            "can_manage": can_manage,
            "can_correct": can_manage and ClaimStatus.REPLACED in TRANSITIONS[claim.status],
            "can_void": can_manage and ClaimStatus.VOIDED in TRANSITIONS[claim.status],
            "void_form": VoidForm(),
            "correct_form": CorrectForm(),
        },
    )


@require_POST
@require(Action.CLAIM_MANAGE)
def claim_action(request, pk, action):
    claim = get_object_or_404(claim_queryset(), pk=pk)
    try:
        if action == "scrub":
            result = claims.claim_scrub(actor=request.user, claim=claim)
        elif action == "correct":
            result = claims.claim_correct(
                actor=request.user,
                claim=claim,
                payer_claim_number=request.POST.get("payer_claim_number", ""),
            )
        elif action == "void":
            result = claims.claim_void(
                actor=request.user,
                claim=claim,
                reason=request.POST.get("reason", ""),
                payer_claim_number=request.POST.get("payer_claim_number", ""),
            )
        else:
            raise PermissionDenied
    except FieldErrors as exc:
        messages.error(request, str(exc))
        return redirect("claim-detail", pk=pk)
    messages.success(
        request, f"Claim {result.patient_control_number}: {result.get_status_display()}."
    )
    return redirect("claim-detail", pk=result.pk)


@require(Action.CLAIM_VIEW)
def batch_list(request):
    job = None
    if request.method == "POST":
        if not _can(request, Action.BATCH_RUN):
            raise PermissionDenied
        job = batches.batch_run_start(actor=request.user)
        messages.info(request, "Batch run started.")
    return render(
        request,
        "billing/batches.html",
        {
            "batches": ClaimBatchFile.objects.select_related("payer")[:100],
            "ready": claim_queryset().filter(status=ClaimStatus.READY).count(),
            "can_run": _can(request, Action.BATCH_RUN),
            "job": job,
        },
    )


@require(Action.CLAIM_VIEW)
def batch_download(request, pk):
    batch = get_object_or_404(ClaimBatchFile, pk=pk)
    audit_read(actor=request.user, obj=batch)
    return batch_file_response(batch)


@require(Action.CLAIM_VIEW)
def acknowledgement_list(request):
    form = AckUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not _can(request, Action.ACK_UPLOAD):
            raise PermissionDenied
        if form.is_valid():
            try:
                name, content = upload_text({"file": form.cleaned_data["file"]})
                ack, created = acks.ack_apply(actor=request.user, file_name=name, content=content)
            except FieldErrors as exc:
                apply_errors(form, {"file": [m for ms in exc.errors.values() for m in ms]})
            else:
                if created:
                    messages.success(request, f"{ack.get_kind_display()} applied.")
                else:
                    messages.info(request, "This file was already applied; nothing changed.")
                return redirect("acknowledgement-list")
    return render(
        request,
        "billing/acknowledgements.html",
        {
            "form": form,
            "acks": Acknowledgement.objects.select_related("batch")[:100],
            "can_upload": _can(request, Action.ACK_UPLOAD),
        },
    )


@require(Action.CLAIM_VIEW)
def remittance_list(request):
    form = AckUploadForm(request.POST or None, request.FILES or None)
    form.fields["file"].label = "835 remittance file"
    if request.method == "POST":
        if not _can(request, Action.ACK_UPLOAD):
            raise PermissionDenied
        if form.is_valid():
            try:
                name, content = upload_text({"file": form.cleaned_data["file"]})
                remittance, created = remittances.era_post(
                    actor=request.user, file_name=name, content=content
                )
            except FieldErrors as exc:
                apply_errors(form, {"file": [m for ms in exc.errors.values() for m in ms]})
            else:
                if created:
                    messages.success(
                        request,
                        f"Remittance {remittance.trace_number} posted: "
                        f"{remittance.matched_count} of {remittance.claim_count} "
                        "claims matched.",
                    )
                else:
                    messages.info(
                        request,
                        f"Remittance {remittance.trace_number} was already "
                        "posted; nothing changed.",
                    )
                return redirect("remittance-list")
    unmatched = (
        ClaimPayment.objects.filter(claim=None, resolved_at=None)
        .select_related("remittance")
        .order_by("-remittance__posted_at")[:100]
    )
    audit_read_list(actor=request.user, objects=unmatched)
    return render(
        request,
        "billing/remittances.html",
        {
            "form": form,
            "remittances": Remittance.objects.all()[:100],
            "unmatched": unmatched,
            "can_upload": _can(request, Action.ACK_UPLOAD),
        },
    )


@require(Action.CLAIM_VIEW)
def denial_list(request):
    filters = {key: request.GET.get(key, "") for key in ("status", "reason", "payer")}
    cases = denial_queue(**filters)
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    audit_read_list(actor=request.user, objects=page)
    return render(
        request,
        "billing/denials.html",
        {
            "page_obj": page,
            "filters": filters,
            "analytics": denial_analytics(),
            "statuses": DenialStatus.choices,
        },
    )


@require(Action.CLAIM_VIEW)
def denial_detail(request, pk):
    case = get_object_or_404(
        denial_queryset().prefetch_related("notes__author", "claim__lines"), pk=pk
    )
    audit_read(actor=request.user, obj=case.claim)
    return render(
        request,
        "billing/denial_detail.html",
        {
            "case": case,
            "can_manage": _can(request, Action.CLAIM_MANAGE),
            "note_form": DenialNoteForm(),
            "appeal_form": AppealForm(),
            "write_off_form": WriteOffForm(),
            "assignees": denial_assignees(request.tenant),
            "reasons": [(code, carc_text(code)) for code in case.reason_codes],
            "remarks": [(code, rarc_text(code)) for code in case.remark_codes],
        },
    )


@require_POST
@require(Action.CLAIM_MANAGE)
def denial_action(request, pk, action):
    case = get_object_or_404(DenialCase, pk=pk)
    action = action.replace("-", "_")
    if action not in denials.DENIAL_ACTIONS:
        raise PermissionDenied
    post = request.POST
    text = post.get("text") or post.get("argument") or post.get("reason") or ""
    try:
        denials.denial_act(
            actor=request.user,
            case=case,
            action=action,
            text=text,
            assignee=User.objects.filter(pk=post.get("assignee") or None).first(),
        )
    except FieldErrors as exc:
        messages.error(request, str(exc))
        return redirect("denial-detail", pk=pk)
    if action == "appeal":
        audit_read(actor=request.user, obj=case)
        response = HttpResponse(
            appeal_letter_pdf(case, argument=text, author=request.user),
            content_type="application/pdf",
        )
        response["Content-Disposition"] = f'attachment; filename="appeal-{case.pk}.pdf"'
        return response
    messages.success(request, "Done.")
    return redirect("denial-detail", pk=pk)


@require(Action.CLAIM_VIEW)
def dashboard(request):
    data = selectors_kpis.dashboard(timezone.localdate())
    audit_read_list(
        actor=request.user,
        patient_ids=[int(row.key) for row in data["patients"].rows],
        object_type="billing.patient_aging",
    )
    denials = denial_analytics()
    return render(
        request,
        "billing/dashboard.html",
        {
            **data,
            "denials": denials,
            "denial_chart": [(r["code"], r["count"]) for r in denials["reasons"]],
        },
    )


@require(Action.CLAIM_VIEW)
def statements(request):
    job = None
    if request.method == "POST":
        if not _can(request, Action.CLAIM_MANAGE):
            raise PermissionDenied
        job = patient_billing.statement_run_start(actor=request.user, as_of=timezone.localdate())
        messages.info(request, "Statement run started.")
    runs = StatementRun.objects.all()[:20]
    latest = runs[0] if runs else None
    statement_rows = list(latest.statements.select_related("patient")[:200]) if latest else []
    audit_read_list(actor=request.user, objects=statement_rows)
    return render(
        request,
        "billing/statements.html",
        {
            "runs": runs,
            "job": job,
            "can_run": _can(request, Action.CLAIM_MANAGE),
            "latest": latest,
            "statements": statement_rows,
        },
    )


@require(Action.CLAIM_VIEW)
def statement_pdf_download(request, pk):
    statement = get_object_or_404(Statement.objects.select_related("patient"), pk=pk)
    audit_read(actor=request.user, obj=statement)
    response = HttpResponse(bytes(statement.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="statement-{statement.pk}.pdf"'
    return response


@require(Action.PATIENT_VIEW)
def patient_account(request, pk):
    patient = get_object_or_404(Patient, pk=pk)
    audit_read(actor=request.user, obj=patient)
    can_post = _can(request, Action.CLAIM_MANAGE)
    form = PatientPaymentForm(request.POST or None)
    if request.method == "POST":
        if not can_post:
            raise PermissionDenied
        if form.is_valid():
            try:
                patient_billing.patient_payment_record(
                    actor=request.user, patient=patient, **form.cleaned_data
                )
            except FieldErrors as exc:
                apply_errors(form, exc.errors)
            else:
                messages.success(request, "Recorded.")
                return redirect("patient-account", pk=pk)
    shares = (
        ClaimPayment.objects.filter(claim__encounter__patient=patient)
        .select_related("claim__encounter", "remittance")
        .order_by("-claim__encounter__date_of_service")
    )
    return render(
        request,
        "billing/patient_account.html",
        {
            "patient": patient,
            "form": form if can_post else None,
            "balance": patient_balances([patient.pk]).get(patient.pk, 0),
            "shares": shares,
            "payments": patient.payments.all(),
            "statements": patient.statements.select_related("run").order_by("-run__as_of")[:20],
        },
    )
