"""Claim scrubber: checks a professional claim before it is sent to the clearinghouse.

    findings = scrub(claim, ctx)
    if is_clean(findings):  # no error-severity findings; warnings may remain
        ...

`EDITS` lists every edit, in the order `scrub` runs them, as (code, title, severity, function)
named tuples, so the UI can show the whole catalogue. Pure Python, no Django.

An edit that raises
-------------------
By default `scrub` fails closed: the exception is logged and becomes an error finding with
code SCRUB000 naming the edit, so the claim cannot be submitted unchecked and the other edits
still report. Pass ``strict=True`` (the tests do) to let the exception propagate, so programming
errors are never hidden behind a finding.
"""

import logging

from billing.claimdata import Claim, Finding, ScrubContext
from billing.scrubber.edits import EDITS, ERROR, WARNING, Edit, claim_key

__all__ = ["EDITS", "ERROR", "SCRUB_FAILED", "WARNING", "Edit", "claim_key", "is_clean", "scrub"]

logger = logging.getLogger(__name__)

SCRUB_FAILED = "SCRUB000"


def scrub(claim: Claim, ctx: ScrubContext, *, strict: bool = False) -> list[Finding]:
    """Run every edit in registry order and return all findings."""
    findings: list[Finding] = []
    for edit in EDITS:
        try:
            findings.extend(edit.function(claim, ctx))
        except Exception:
            if strict:
                raise
            logger.exception(
                "Scrubber edit %s failed on claim %s", edit.code, claim.patient_control_number
            )
            findings.append(
                Finding(
                    code=SCRUB_FAILED,
                    message=(
                        f"The check '{edit.title}' ({edit.code}) could not run on this claim"
                        " because of a system error, so the claim is held. Review the claim's"
                        " data and report the problem to support if it persists."
                    ),
                    field="",
                    severity=ERROR,
                )
            )
    return findings


def is_clean(findings: list[Finding]) -> bool:
    """True when no finding blocks submission (warnings allowed)."""
    return not any(finding.severity == ERROR for finding in findings)
