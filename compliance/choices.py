from django.db import models

from . import matching


class SubjectKind(models.TextChoices):
    PROVIDER = "provider", "Provider"
    OWNER = "owner", "Owner (physician shareholder)"
    EMPLOYEE = "employee", "Employee"


class MatchStrength(models.TextChoices):
    """How an entry of the exclusion list matched, strongest first (values: matching.py)."""

    NPI = matching.NPI, "NPI matches"
    NAME_DOB = matching.NAME_DOB, "Name and date of birth match"
    NAME = matching.NAME, "Name matches (review)"


class MatchStatus(models.TextChoices):
    OPEN = "open", "To review"
    CLEARED = "cleared", "Cleared: not the same person"
    CONFIRMED = "confirmed", "Confirmed exclusion"


class ScreeningTrigger(models.TextChoices):
    MANUAL = "manual", "Run by a user"
    MONTHLY = "monthly", "Monthly screening"
    HIRE = "hire", "A provider was added or changed"


DECISIONS = (MatchStatus.CLEARED, MatchStatus.CONFIRMED)


class CredentialKind(models.TextChoices):
    STATE_LICENSE = "state_license", "State license to practise"
    DEA = "dea", "DEA registration"
    STATE_CSR = "state_csr", "State controlled-substance registration"
    BOARD = "board", "Board certification"
    MALPRACTICE = "malpractice", "Malpractice insurance"
    LIFE_SUPPORT = "life_support", "BLS/ACLS certification"
    OTHER = "other", "Other"


class IncidentCategory(models.TextChoices):
    LOSS = "loss", "Lost device or records"
    THEFT = "theft", "Theft"
    MISDIRECTED = "misdirected", "Sent to the wrong person (mail, fax, email)"
    UNAUTHORIZED = "unauthorized", "Unauthorized access or disclosure"
    HACKING = "hacking", "Hacking or IT incident"
    DISPOSAL = "disposal", "Improper disposal"
    OTHER = "other", "Other"


class IncidentStatus(models.TextChoices):
    OPEN = "open", "Being assessed"
    NOT_A_BREACH = "not_a_breach", "Not a breach (low probability of compromise)"
    BREACH = "breach", "Breach: notices due"
    CLOSED = "closed", "Closed"


class NoticeAudience(models.TextChoices):
    INDIVIDUALS = "individuals", "Affected individuals"
    HHS = "hhs", "HHS (Office for Civil Rights)"
    MEDIA = "media", "Prominent media outlets"


class PolicyCategory(models.TextChoices):
    PRIVACY = "privacy", "Privacy (HIPAA)"
    SECURITY = "security", "Security (HIPAA)"
    BILLING = "billing", "Billing and coding compliance"
    WORKPLACE = "workplace", "Workplace and HR"
    # Protocols and standing orders: the physicians' decision (CPOM).
    CLINICAL = "clinical", "Clinical protocols (physicians decide)"
