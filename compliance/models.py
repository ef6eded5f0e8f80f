"""Compliance (tenant schema): exclusion screenings of the practice's providers and owners,
what the reviewers decided about each match, providers' credentials with their expiry
notices, security incidents assessed under the HIPAA breach rule, and written policies with
their versions and attestations."""

from django.db import models

from mso.geo import STATE_CHOICES

from .choices import (
    CredentialKind,
    IncidentCategory,
    IncidentStatus,
    MatchStatus,
    MatchStrength,
    NoticeAudience,
    PolicyCategory,
    ScreeningTrigger,
    SubjectKind,
)


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


class SecurityIncident(models.Model):
    """A privacy or security incident, assessed under the HIPAA breach rule: the four-factor
    risk assessment decides whether it is a breach, and a breach has notices with deadlines.
    Descriptions say what happened, never who the patients are."""

    title = models.CharField(max_length=200)
    description = models.TextField(help_text="What happened, without patient names or ids.")
    category = models.CharField(max_length=20, choices=IncidentCategory.choices)
    occurred_on = models.DateField(null=True, blank=True)
    discovered_on = models.DateField(help_text="The 60-day notice clock starts here.")
    reported_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=20, choices=IncidentStatus.choices, default=IncidentStatus.OPEN
    )
    phi_involved = models.BooleanField(default=False)
    # The assessment's outcome; the status moves on (closed), this stays.
    is_breach = models.BooleanField(default=False)
    individuals_affected = models.PositiveIntegerField(default=0)
    largest_state_count = models.PositiveIntegerField(
        null=True, blank=True, help_text="Most residents of any one state among those affected."
    )
    # The four factors of 45 CFR 164.402(2).
    factor_phi = models.TextField("Nature and extent of the PHI", blank=True)
    factor_recipient = models.TextField("Who received or used it", blank=True)
    factor_acquired = models.TextField("Whether it was actually acquired or viewed", blank=True)
    factor_mitigation = models.TextField("How far the risk was mitigated", blank=True)
    assessed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assessed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-discovered_on", "-id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.discovered_on:%m/%d/%Y})"


class BreachNotice(models.Model):
    """A notice given for a breach: to the individuals, to HHS, or to the media."""

    incident = models.ForeignKey(SecurityIncident, on_delete=models.CASCADE, related_name="notices")
    audience = models.CharField(max_length=12, choices=NoticeAudience.choices)
    sent_on = models.DateField()
    method = models.CharField(max_length=200, help_text="First-class mail, HHS web portal ...")
    recipients = models.PositiveIntegerField(default=0)
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sent_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_audience_display()} notified {self.sent_on:%m/%d/%Y}"


class Policy(models.Model):
    """A written policy of the practice. Its text lives in versions; everyone who must follow
    it attests to each version."""

    code = models.CharField(max_length=30, unique=True, help_text="e.g. HIPAA-PRIV-01")
    title = models.CharField(max_length=200)
    category = models.CharField(max_length=20, choices=PolicyCategory.choices)
    review_months = models.PositiveSmallIntegerField(
        default=12, help_text="How often the policy is reviewed and republished."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "policies"

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class PolicyVersion(models.Model):
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    body = models.TextField()
    changes = models.CharField(max_length=300, blank=True, help_text="What changed, in a line.")
    effective_on = models.DateField()
    published_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["policy", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="one_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.policy.code} v{self.number}"


class Attestation(models.Model):
    """That a person read and will follow one version of a policy."""

    version = models.ForeignKey(
        PolicyVersion, on_delete=models.CASCADE, related_name="attestations"
    )
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    attested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["attested_at"]
        constraints = [
            models.UniqueConstraint(fields=["version", "user"], name="one_attestation_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} attested {self.version}"


class BreachReminder(models.Model):
    """A reminder sent that a breach notice falls due: one per incident, audience, due date
    and threshold, so a rerun sends nothing twice."""

    incident = models.ForeignKey(
        SecurityIncident, on_delete=models.CASCADE, related_name="reminders"
    )
    audience = models.CharField(max_length=12, choices=NoticeAudience.choices)
    due = models.DateField()
    days_before = models.SmallIntegerField(help_text="0: due today or overdue.")
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.JSONField(default=list)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "audience", "due", "days_before"],
                name="one_breach_reminder_per_threshold",
            )
        ]

    def __str__(self) -> str:
        return f"{self.incident}: {self.audience} notice due {self.due:%m/%d/%Y}"
