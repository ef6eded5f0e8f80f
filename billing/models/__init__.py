from .acks import Acknowledgement
from .batches import ClaimBatchFile
from .claims import Claim, ClaimFinding, ClaimLine, ClaimStatusChange
from .denials import DenialCase, DenialNote
from .encounters import ClinicalChange, CodingQuery, Encounter, EncounterLine
from .fees import FeeSchedule, FeeScheduleItem
from .patients import PatientPayment, Statement, StatementRun
from .remittances import Adjustment, ClaimPayment, LinePayment, ProviderAdjustment, Remittance

__all__ = [
    "Acknowledgement",
    "Adjustment",
    "Claim",
    "ClaimBatchFile",
    "ClaimFinding",
    "ClaimLine",
    "ClaimPayment",
    "ClaimStatusChange",
    "ClinicalChange",
    "CodingQuery",
    "DenialCase",
    "DenialNote",
    "Encounter",
    "EncounterLine",
    "FeeSchedule",
    "FeeScheduleItem",
    "LinePayment",
    "PatientPayment",
    "ProviderAdjustment",
    "Remittance",
    "Statement",
    "StatementRun",
]
