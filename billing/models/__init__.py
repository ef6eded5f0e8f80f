from .acks import Acknowledgement
from .batches import ClaimBatchFile
from .claims import Claim, ClaimFinding, ClaimLine, ClaimStatusChange
from .encounters import ClinicalChange, CodingQuery, Encounter, EncounterLine
from .fees import FeeSchedule, FeeScheduleItem

__all__ = [
    "Acknowledgement",
    "Claim",
    "ClaimBatchFile",
    "ClaimFinding",
    "ClaimLine",
    "ClaimStatusChange",
    "ClinicalChange",
    "CodingQuery",
    "Encounter",
    "EncounterLine",
    "FeeSchedule",
    "FeeScheduleItem",
]
