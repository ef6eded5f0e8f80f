"""Synthetic acknowledgements for batches the tests create, made from the reviewed fixtures
by replacing the control numbers and claim ids they refer to."""

from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "x12"


def ack_999(group_control_number: int, *, accepted: bool = True) -> str:
    text = (FIXTURES / ("999_accepted.txt" if accepted else "999_rejected.txt")).read_text()
    return text.replace("AK1*HC*45*", f"AK1*HC*{group_control_number}*")


def ack_277ca(accepted_pcn: str, rejected_pcn: str, unknown_pcn: str = "NOSUCH-1") -> str:
    text = (FIXTURES / "277ca_mixed.txt").read_text()
    return (
        text.replace("TRN*2*PCN0001~", f"TRN*2*{accepted_pcn}~")
        .replace("TRN*2*PCN0002~", f"TRN*2*{rejected_pcn}~")
        .replace("TRN*2*PCN0003~", f"TRN*2*{unknown_pcn}~")
    )
