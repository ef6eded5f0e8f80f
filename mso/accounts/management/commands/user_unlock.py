"""Unlock an account locked by too many failed sign-ins, before its cool-off ends."""

from django.core.management.base import BaseCommand, CommandError

from mso.accounts import policy
from mso.accounts.lockout import locked_usernames, lockout_clear
from mso.accounts.models import User


class Command(BaseCommand):
    help = "Unlock EMAIL (or --list the locked accounts). --by names the MSO admin, audited."

    def add_arguments(self, parser):
        parser.add_argument("email", nargs="?")
        parser.add_argument("--by", help="Email of the MSO admin who asked for the unlock.")
        parser.add_argument("--list", action="store_true", help="List locked accounts.")

    def handle(self, *args, email=None, by=None, list=False, **options):
        if list:
            for username in locked_usernames():
                self.stdout.write(username)
            return
        if not email:
            raise CommandError("Give the email of the account to unlock (or --list).")
        actor = None
        if by:
            actor = User.objects.filter(email__iexact=by).first()
            if actor is None or not policy.is_mso_admin(actor):
                raise CommandError(f"{by} is not an MSO admin.")
        removed = lockout_clear(actor=actor, email=email)
        self.stdout.write(f"Unlocked {email.strip().lower()} ({removed} lockout records removed).")
