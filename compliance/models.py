"""Compliance (tenant schema): exclusion screenings of the practice's providers and owners,
what the reviewers decided about each match, and providers' credentials with their expiry
notices."""

from django.db import models

from mso.geo import STATE_CHOICES

from .choices import CredentialKind, MatchStatus, MatchStrength, ScreeningTrigger, SubjectKind


class ExclusionScreening(models.Model):
    """One check of everyone the practice must screen against one exclusion list."""

    exclusion_list = models.ForeignKey(
        "reference.ExclusionList", on_delete=models.PROTECT, related_name="+"
    )
    trigger = models.CharField(max_length=10, choices=ScreeningTrigger.choices)
    # The month a monthly screening covers (its first day); null for a manual one.
    period = models.DateField(null=True, blank=True)
    ran_at = models.DateTimeField(auto_now_add=True)
    run_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subjects_screened = models.PositiveIntegerField()
    match_count = models.PositiveIntegerField()

    class Meta:
        ordering = ["-ran_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["period"],
                condition=models.Q(trigger="monthly"),
                name="one_monthly_screening_per_month",
            )
        ]

    def __str__(self) -> str:
        return f"Screening of {self.ran_at:%Y-%m-%d} ({self.match_count} matches)"


class ExclusionMatch(models.Model):
    """A person of the practice who matched an exclusion list entry. The entry is copied here:
    next month's list replaces the entries, and the decision must still show what matched."""

    screening = models.ForeignKey(
        ExclusionScreening, on_delete=models.CASCADE, related_name="matches"
    )
    subject_kind = models.CharField(max_length=10, choices=SubjectKind.choices)
    subject_id = models.PositiveIntegerField()
    subject_name = models.CharField(max_length=200)
    subject_npi = models.CharField(max_length=10, blank=True)
    strength = models.CharField(max_length=10, choices=MatchStrength.choices)
    entry_key = models.CharField(max_length=300)
    listed_name = models.CharField(max_length=300)
    listed_npi = models.CharField(max_length=10, blank=True)
    listed_birth_date = models.DateField(null=True, blank=True)
    listed_specialty = models.CharField(max_length=100, blank=True)
    listed_location = models.CharField(max_length=200, blank=True)
    exclusion_type = models.CharField(max_length=20)
    exclusion_date = models.DateField()
    status = models.CharField(max_length=10, choices=MatchStatus.choices, default=MatchStatus.OPEN)
    decided_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    # A decision taken on the same exclusion in an earlier screening, carried to this one.
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["status", "subject_name", "id"]
        indexes = [models.Index(fields=["subject_kind", "subject_id", "entry_key"])]

    def __str__(self) -> str:
        return f"{self.subject_name} ~ {self.listed_name} ({self.get_strength_display()})"


class Credential(models.Model):
    """A provider's license, registration, certification or insurance, with its expiry and
    who verified it at the primary source."""

    provider = models.ForeignKey(
        "practices.Provider", on_delete=models.CASCADE, related_name="credentials"
    )
    kind = models.CharField(max_length=20, choices=CredentialKind.choices)
    number = models.CharField(max_length=60)
    state = models.CharField(max_length=2, choices=STATE_CHOICES, blank=True)
    issuer = models.CharField(
        max_length=120, blank=True, help_text="Board, carrier or agency, e.g. ABIM."
    )
    issued_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True, help_text="Blank: does not expire.")
    verified_on = models.DateField(null=True, blank=True)
    verified_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verification_source = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["expires_on", "provider__last_name", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "kind", "state", "number"], name="one_credential_per_number"
            )
        ]

    def __str__(self) -> str:
        where = f" ({self.state})" if self.state else ""
        return f"{self.get_kind_display()}{where} {self.number}"


class CredentialAlert(models.Model):
    """An expiry notice sent: one per credential, expiry date and threshold, so a renewal
    (a new expiry date) starts the notices again and a rerun sends nothing twice."""

    credential = models.ForeignKey(Credential, on_delete=models.CASCADE, related_name="alerts")
    expires_on = models.DateField()
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.JSONField(default=list)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["credential", "expires_on", "days_before"], name="one_alert_per_threshold"
            )
        ]

    def __str__(self) -> str:
        return f"{self.credential}: {self.days_before}-day notice"
