"""One global user table; roles are granted per practice by Membership."""

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from mso.crypto.fields import EncryptedTextField

from .choices import Role


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("Users need an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    username = None
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Membership(models.Model):
    """Grants `user` one role in one practice. MSO admins hold theirs on the MSO back office
    tenant, which gives them every practice."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    practice = models.ForeignKey(
        "tenancy.Practice", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["practice__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "practice"], name="one_role_per_practice"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} @ {self.practice}"


class Invitation(models.Model):
    """An invitation to join a practice in a role; the secret is stored only as a hash."""

    email = models.EmailField()
    practice = models.ForeignKey(
        "tenancy.Practice", on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.practice} as {self.role}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


class ApiToken(models.Model):
    """An integrator's key: bound to one practice and a set of scopes, stored hashed."""

    practice = models.ForeignKey(
        "tenancy.Practice", on_delete=models.CASCADE, related_name="api_tokens"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    scopes = ArrayField(models.CharField(max_length=40), default=list)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class SignInHandoff(models.Model):
    """A one-time, one-minute pass that carries an MSO user from the portal to a practice's
    host (cookies are host-only, so the practice host needs its own session)."""

    nonce = models.CharField(max_length=64, primary_key=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    practice = models.ForeignKey("tenancy.Practice", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # When the portal session signed in: the practice session inherits it, so a hand-off
    # never extends the absolute session lifetime.
    signed_in_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Handoff of {self.user} to {self.practice}"


class TotpDevice(models.Model):
    """An authenticator app (RFC 6238 TOTP). A device is usable once confirmed with a first
    code; a user has at most one confirmed device and at most one being enrolled."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="totp_devices")
    # Encrypted at rest like SSNs (docs/security.md): a database dump alone cannot mint codes.
    secret = EncryptedTextField("TOTP secret")
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The last 30-second step whose code was accepted: a code is never accepted twice.
    last_step = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(confirmed_at__isnull=False),
                name="one_confirmed_totp_device",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(confirmed_at__isnull=True),
                name="one_pending_totp_device",
            ),
        ]

    def __str__(self) -> str:
        state = "confirmed" if self.confirmed_at else "pending"
        return f"Authenticator of {self.user} ({state})"


class RecoveryCode(models.Model):
    """A one-time code for when the authenticator is lost. Stored as SHA-256 of an 80-bit
    random code (too many to brute-force, like the other secrets here)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "code_hash"], name="unique_recovery_code")
        ]

    def __str__(self) -> str:
        return f"Recovery code of {self.user}"


class UserSession(models.Model):
    """Which sessions belong to which user, so that they can be ended (user disabled,
    membership removed) without decoding every session row."""

    session_key = models.CharField(max_length=40, primary_key=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    schema_name = models.CharField(max_length=63)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Session of {self.user} on {self.schema_name}"
