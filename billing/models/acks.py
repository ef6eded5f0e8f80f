from django.db import models

from billing.choices import AckKind


class Acknowledgement(models.Model):
    """An uploaded 999 or 277CA and what applying it changed."""

    kind = models.CharField(max_length=6, choices=AckKind.choices)
    file_name = models.CharField(max_length=200)
    content = models.TextField()
    content_sha256 = models.CharField(max_length=64, unique=True)
    batch = models.ForeignKey(
        "billing.ClaimBatchFile",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="acknowledgements",
    )
    summary = models.JSONField(default=dict)
    uploaded_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name}"
