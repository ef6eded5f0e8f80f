"""Append-only audit trail. UPDATE and DELETE are refused by a database trigger too."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils import timezone


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Audit events are append-only.")

    def delete(self):
        raise PermissionError("Audit events are append-only.")


class AuditEvent(models.Model):
    # Plain ids, not foreign keys: the trail outlives any practice, user or object it names.
    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_label = models.CharField(max_length=254, blank=True)
    practice_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    practice_schema = models.CharField(max_length=63, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    channel = models.CharField(max_length=16, default="web")
    # Ids of the patients (in `practice_schema`) the event read or wrote: "who saw patient X".
    patient_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    # Set when the actor held an active break-glass grant on the practice.
    emergency_grant_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    is_alert = models.BooleanField(default=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            GinIndex(fields=["patient_ids"], name="audit_event_patient_ids"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are append-only.")


class ReviewOutcome(models.TextChoices):
    JUSTIFIED = "justified", "Justified emergency"
    NOT_JUSTIFIED = "not_justified", "Not justified: follow up"


class EmergencyGrant(models.Model):
    """Break-glass access: a time-boxed mso_staff role on one practice, with a reason, taken
    at once and reviewed afterwards by an MSO admin (HIPAA 164.312(a)(2)(ii))."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="emergency_grants"
    )
    practice = models.ForeignKey(
        "tenancy.Practice", on_delete=models.PROTECT, related_name="emergency_grants"
    )
    reason = models.TextField()
    starts_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    review_outcome = models.CharField(max_length=20, choices=ReviewOutcome.choices, blank=True)
    review_note = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["user", "practice", "expires_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("starts_at")),
                name="emergency_grant_expires_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"Emergency access #{self.pk}: {self.user} on {self.practice}"

    @property
    def ends_at(self):
        return min(self.expires_at, self.ended_at) if self.ended_at else self.expires_at

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.ended_at is None and self.starts_at <= now < self.expires_at
