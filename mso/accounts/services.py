"""Every write about users, memberships, invitations and tokens."""

import hmac
from datetime import datetime, timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mso.audit.services import audit_record

from . import policy
from .choices import MSO_ROLES, Role
from .exceptions import AccountsError
from .models import ApiToken, Invitation, Membership, SignInHandoff, User
from .scopes import unknown_scopes
from .secrets import digest, new_invitation_secret, new_token, split_token
from .sessions import sessions_end

INVITATION_LIFETIME = timedelta(days=7)


def _check_grant(*, actor, practice, role: str) -> None:
    if role not in Role.values:
        raise AccountsError({"role": [f"'{role}' is not a role."]})
    if role not in policy.grantable_roles(actor, practice):
        raise AccountsError({"role": ["You cannot grant this role in this practice."]})
    if role == Role.MSO_ADMIN and practice.kind != "mso":
        raise AccountsError({"role": ["MSO admins are granted on the MSO back office."]})
    if role in (Role.PRACTICE_MANAGER, Role.PROVIDER) and practice.kind != "practice":
        raise AccountsError({"role": ["Practice roles are granted on a practice."]})


@transaction.atomic
def user_create(*, email: str, password: str | None, full_name: str = "", actor=None) -> User:
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise AccountsError({"email": ["A user with this email already exists."]})
    user = User.objects.create_user(email=email, password=password, full_name=full_name)
    audit_record(actor=actor, action="user.create", obj=user, practice=None)
    return user


@transaction.atomic
def membership_grant(*, actor, user: User, practice, role: str) -> Membership:
    if getattr(actor, "pk", None) == user.pk:
        # Nobody gives themselves a role (a manager making themselves a provider would then
        # take clinical decisions, which CPOM keeps with the practice's physicians).
        raise AccountsError("You cannot change your own role; another manager does.")
    _check_grant(actor=actor, practice=practice, role=role)
    membership, created = Membership.objects.select_for_update().get_or_create(
        user=user, practice=practice, defaults={"role": role, "created_by": actor}
    )
    if not created and membership.role != role:
        previous = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        audit_record(
            actor=actor,
            action="membership.change",
            obj=membership,
            practice=practice,
            changes={"role": [previous, role]},
        )
    elif created:
        audit_record(
            actor=actor,
            action="membership.grant",
            obj=membership,
            practice=practice,
            changes={"role": role, "user": user.email},
        )
    policy.forget(user)
    return membership


@transaction.atomic
def membership_revoke(*, actor, membership: Membership) -> None:
    practice = membership.practice
    if membership.role not in policy.grantable_roles(actor, practice):
        raise AccountsError("You cannot remove this member.")
    if membership.user_id == actor.pk:
        raise AccountsError("You cannot remove your own membership.")
    audit_record(
        actor=actor,
        action="membership.revoke",
        obj=membership,
        practice=practice,
        changes={"role": membership.role, "user": membership.user.email},
    )
    ApiToken.objects.filter(user=membership.user, practice=practice, revoked_at=None).update(
        revoked_at=timezone.now()
    )
    membership.delete()
    policy.forget(membership.user)
    sessions_end(user=membership.user, actor=actor, reason="membership removed")


@transaction.atomic
def user_deactivate(*, actor, user: User) -> User:
    """Disable an account: no sign-in, no tokens, and every open session ends now."""
    if not policy.can(actor, policy.Action.USER_MANAGE):
        raise AccountsError("Only MSO admins can disable accounts.")
    if user.pk == actor.pk:
        raise AccountsError("You cannot disable your own account.")
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
        ApiToken.objects.filter(user=user, revoked_at=None).update(revoked_at=timezone.now())
        audit_record(actor=actor, action="user.deactivate", obj=user, practice=None)
    sessions_end(user=user, actor=actor, reason="account disabled")
    return user


@transaction.atomic
def user_reactivate(*, actor, user: User) -> User:
    if not policy.can(actor, policy.Action.USER_MANAGE):
        raise AccountsError("Only MSO admins can enable accounts.")
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit_record(actor=actor, action="user.reactivate", obj=user, practice=None)
    return user


@transaction.atomic
def invitation_create(*, actor, email: str, practice, role: str) -> tuple[Invitation, str]:
    """Returns the invitation and its one-time secret (to put in the link)."""
    email = email.strip().lower()
    _check_grant(actor=actor, practice=practice, role=role)
    if Membership.objects.filter(user__email__iexact=email, practice=practice).exists():
        raise AccountsError({"email": ["This person is already a member of this practice."]})
    secret, secret_hash = new_invitation_secret()
    invitation = Invitation.objects.create(
        email=email,
        practice=practice,
        role=role,
        token_hash=secret_hash,
        invited_by=actor,
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    audit_record(
        actor=actor,
        action="invitation.create",
        obj=invitation,
        practice=practice,
        changes={"email": email, "role": role},
    )
    return invitation, secret


def invitation_find(*, secret: str) -> Invitation | None:
    invitation = (
        Invitation.objects.select_related("practice", "invited_by")
        .filter(token_hash=digest(secret))
        .first()
    )
    return invitation if invitation and invitation.is_open else None


@transaction.atomic
def invitation_accept(*, secret: str, password: str, full_name: str = "") -> Membership:
    invitation = invitation_find(secret=secret)
    if invitation is None:
        raise AccountsError("This invitation link is invalid, used or expired.")
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    user = User.objects.filter(email__iexact=invitation.email).first()
    if user is None:
        try:
            validate_password(password, User(email=invitation.email, full_name=full_name))
        except ValidationError as exc:
            raise AccountsError({"password": list(exc.messages)}) from exc
        user = User.objects.create_user(
            email=invitation.email, password=password, full_name=full_name
        )
        audit_record(actor=user, action="user.create", obj=user, practice=None)
    elif not user.check_password(password):
        raise AccountsError({"password": ["Enter the password of your existing account."]})
    membership, _ = Membership.objects.update_or_create(
        user=user,
        practice=invitation.practice,
        defaults={"role": invitation.role, "created_by": invitation.invited_by},
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_user = user
    invitation.save(update_fields=["accepted_at", "accepted_user"])
    audit_record(
        actor=user,
        action="invitation.accept",
        obj=invitation,
        practice=invitation.practice,
        changes={"role": invitation.role},
    )
    return membership


@transaction.atomic
def token_create(
    *, actor, practice, user: User, name: str, scopes: list[str], expires_at=None
) -> tuple[ApiToken, str]:
    """Issue a token for an integrator of `practice`. The plain token is returned once."""
    errors: dict[str, list[str]] = {}
    if not policy.can(actor, policy.Action.TOKEN_MANAGE, practice):
        raise AccountsError("You cannot issue API tokens for this practice.")
    if (
        policy.role_in(user, practice) != Role.INTEGRATOR
        or user.memberships.filter(role__in=MSO_ROLES).exists()
    ):
        errors["user"] = ["Tokens are issued to an integrator member of this practice."]
    if not name.strip():
        errors["name"] = ["Give the token a name that says what uses it."]
    if not scopes:
        errors["scopes"] = ["Choose at least one scope."]
    elif bad := unknown_scopes(scopes):
        errors["scopes"] = [f"Unknown scope: {', '.join(bad)}."]
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = ["The expiry must be in the future."]
    if errors:
        raise AccountsError(errors)
    plain, prefix, key_hash = new_token()
    token = ApiToken.objects.create(
        practice=practice,
        user=user,
        name=name.strip(),
        prefix=prefix,
        key_hash=key_hash,
        scopes=sorted(set(scopes)),
        created_by=actor,
        expires_at=expires_at,
    )
    audit_record(
        actor=actor,
        action="token.create",
        obj=token,
        practice=practice,
        changes={"scopes": token.scopes, "user": user.email},
    )
    return token, plain


@transaction.atomic
def token_revoke(*, actor, token: ApiToken) -> ApiToken:
    if not policy.can(actor, policy.Action.TOKEN_MANAGE, token.practice):
        raise AccountsError("You cannot revoke API tokens for this practice.")
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="token.revoke", obj=token, practice=token.practice)
    return token


def token_authenticate(*, presented: str) -> ApiToken | None:
    """The active token matching `presented`, or None. Constant-time hash comparison."""
    prefix = split_token(presented)
    if prefix is None:
        return None
    token = ApiToken.objects.select_related("user", "practice").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.key_hash, digest(presented)):
        return None
    if not token.is_active or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


HANDOFF_LIFETIME = timedelta(seconds=60)


@transaction.atomic
def handoff_create(*, user: User, practice, signed_in_at: datetime | None = None) -> str:
    """A single-use secret that signs `user` in on `practice`'s host. `signed_in_at` is when
    the portal session signed in; the practice session keeps that time."""
    if not policy.can(user, policy.Action.PRACTICE_VIEW, practice):
        raise AccountsError("You have no access to this practice.")
    secret, secret_hash = new_invitation_secret()
    SignInHandoff.objects.create(
        nonce=secret_hash,
        user=user,
        practice=practice,
        expires_at=timezone.now() + HANDOFF_LIFETIME,
        signed_in_at=signed_in_at,
    )
    return secret


@transaction.atomic
def handoff_redeem(*, secret: str, practice) -> SignInHandoff | None:
    handoff = (
        SignInHandoff.objects.select_for_update()
        .select_related("user")
        .filter(
            nonce=digest(secret), practice=practice, used_at=None, expires_at__gt=timezone.now()
        )
        .first()
    )
    if handoff is None or not policy.can(handoff.user, policy.Action.PRACTICE_VIEW, practice):
        return None
    handoff.used_at = timezone.now()
    handoff.save(update_fields=["used_at"])
    audit_record(actor=handoff.user, action="session.handoff", obj=practice, practice=practice)
    return handoff
