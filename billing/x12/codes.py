"""Plain-language meanings of the X12 codes the acknowledgement readers report.

The texts are short paraphrases written for billing staff, not the official code list
wording; `describe()` falls back to "code X" for anything not listed so a new code never
breaks reading.
"""

from collections.abc import Mapping


def describe(table: Mapping[str, str], code: str, what: str) -> str:
    if not code:
        return ""
    return table.get(code, f"{what} {code} (not in this system's code table)")


# 999 IK501 and AK901: acknowledgment codes.
ACK_CODES = {
    "A": "accepted",
    "E": "accepted, but errors were noted",
    "M": "rejected: the message authentication code failed",
    "P": "partially accepted: at least one transaction set was rejected",
    "R": "rejected",
    "W": "rejected: failed assurance validity tests",
    "X": "rejected: the content could not be analysed after decryption",
}

# 999 IK502-IK506: transaction set syntax error codes.
TRANSACTION_ERRORS = {
    "1": "the transaction set type is not supported",
    "2": "the transaction set trailer (SE) is missing",
    "3": "the control numbers in ST and SE do not match",
    "4": "the segment count in SE does not match the number of segments",
    "5": "one or more segments are in error",
    "6": "the transaction set identifier is missing or invalid",
    "7": "the transaction set control number is missing or invalid",
    "8": "the authentication key name is unknown",
    "9": "the encryption key name is unknown",
    "10": "the requested authentication or encryption service is not available",
    "11": "the security recipient is unknown",
    "12": "the message length is incorrect (encryption)",
    "13": "the message authentication code failed",
    "15": "the security originator is unknown",
    "16": "the decrypted text has a syntax error",
    "17": "security is not supported",
    "18": "the transaction set is not inside a functional group",
    "19": "the implementation convention reference (ST03) is invalid",
    "23": "the transaction set control number is not unique within the functional group",
    "24": "the S3E security end segment is missing for an S3S security start segment",
    "25": "the S3S security start segment is missing for an S3E security end segment",
    "26": "the S4E security end segment is missing for an S4S security start segment",
    "27": "the S4S security start segment is missing for an S4E security end segment",
    "I5": "one or more segments are in error (implementation guide)",
    "I6": "the implementation convention is not supported",
}

# 999 IK304: segment syntax error codes.
SEGMENT_ERRORS = {
    "1": "unrecognised segment id",
    "2": "unexpected segment",
    "3": "a required segment is missing",
    "4": "a loop occurs more often than allowed",
    "5": "the segment occurs more often than allowed",
    "6": "the segment is not defined in this transaction set",
    "7": "the segment is out of sequence",
    "8": "the segment has data element errors",
    "I4": "a segment the implementation guide marks 'not used' is present",
    "I6": "a segment required by the implementation guide under some condition is missing",
    "I7": "a loop occurs fewer times than the implementation guide requires",
    "I8": "the segment occurs fewer times than the implementation guide requires",
    "I9": "a segment the implementation guide says not to send in this situation is present",
}

# 999 IK403: element syntax error codes.
ELEMENT_ERRORS = {
    "1": "a required data element is missing",
    "2": "a conditionally required data element is missing",
    "3": "too many data elements",
    "4": "the data element is too short",
    "5": "the data element is too long",
    "6": "the data element contains an invalid character",
    "7": "the code value is not valid",
    "8": "the date is not valid",
    "9": "the time is not valid",
    "10": "an exclusion condition was violated (elements that must not appear together)",
    "12": "too many repetitions",
    "13": "too many components",
    "I6": "the code value is not used by the implementation guide",
    "I9": "a data element required by the implementation guide in this situation is missing",
    "I10": "a data element the implementation guide marks 'not used' is present",
    "I11": "too few repetitions for the implementation guide",
    "I12": "the value does not match the pattern the implementation guide requires",
    "I13": "a data element the implementation guide says not to send in this situation is present",
}

# 999 AK905-AK909: functional group syntax error codes.
GROUP_ERRORS = {
    "1": "the functional group type is not supported",
    "2": "the functional group version is not supported",
    "3": "the functional group trailer (GE) is missing",
    "4": "the group control numbers in GS and GE do not match",
    "5": "the number of transaction sets in GE does not match the actual count",
    "6": "the group control number is invalid",
    "10": "the authentication key name is unknown",
    "11": "the encryption key name is unknown",
    "12": "the requested authentication or encryption service is not available",
    "13": "the security recipient is unknown",
    "14": "the security originator is unknown",
    "15": "the decrypted text has a syntax error",
    "16": "security is not supported",
    "17": "the message length is incorrect (encryption)",
    "18": "the message authentication code failed",
    "19": "the group control number is not unique within the interchange",
    "23": "the S3E security end segment is missing for an S3S security start segment",
    "24": "the S3S security start segment is missing for an S3E security end segment",
    "25": "the S4E security end segment is missing for an S4S security start segment",
    "26": "the S4S security start segment is missing for an S4E security end segment",
}

# AK101: functional identifier of the acknowledged group -> transaction set it carries.
FUNCTIONAL_GROUPS = {
    "HC": "837 health care claim",
    "BE": "834 benefit enrollment",
    "HP": "835 claim payment/remittance advice",
    "HN": "277 claim status notification",
    "HR": "276 claim status request",
    "HS": "270 eligibility inquiry",
    "HB": "271 eligibility response",
    "HI": "278 services review",
    "RA": "820 premium payment",
    "FA": "999/997 acknowledgment",
}

# 277 STC01-1: claim status category codes (5010 acknowledgment and error categories and
# the common pending/finalised ones).
STATUS_CATEGORIES = {
    "A0": "forwarded: the claim was passed on to another entity",
    "A1": "received: the claim arrived, which does not yet mean it was accepted for adjudication",
    "A2": "accepted into the payer's adjudication system",
    "A3": "returned as unprocessable: rejected before entering adjudication",
    "A4": "not found in the adjudication system",
    "A5": "split upon acceptance into the adjudication system",
    "A6": "rejected for missing information",
    "A7": "rejected for invalid information",
    "A8": "rejected: a relational field (one that depends on another) is in error",
    "DR01": "data reporting: received",
    "DR02": "data reporting: accepted",
    "DR03": "data reporting: returned as unprocessable",
    "DR04": "data reporting: not found",
    "DR05": "data reporting: rejected for missing information",
    "DR06": "data reporting: rejected for invalid information",
    "DR07": "data reporting: rejected for a relational field in error",
    "DR08": "data reporting: accepted with errors",
    "E0": "response not possible: error in the submitted request data",
    "E1": "response not possible: system unavailable",
    "E2": "response not possible: the information holder is not responding",
    "E3": "correction required: relational fields in error",
    "E4": "trading partner agreement requirement not met",
    "P0": "pending: adjudication details",
    "P1": "pending: in process",
    "P2": "pending: in review",
    "P3": "pending: information requested",
    "P4": "pending: patient requested information",
    "P5": "pending: payer administrative or system hold",
    "F0": "finalised",
    "F1": "finalised: payment",
    "F2": "finalised: denial",
    "F3": "finalised: revised",
    "F3F": "finalised: forwarded",
    "F3N": "finalised: not forwarded",
    "F4": "finalised: adjudication complete, no payment forthcoming",
}
ACCEPTED_CATEGORIES = frozenset({"A0", "A1", "A2", "A5", "DR01", "DR02", "DR08"})
REJECTED_CATEGORIES = frozenset(
    {"A3", "A4", "A6", "A7", "A8", "DR03", "DR04", "DR05", "DR06", "DR07", "E0", "E3", "E4"}
)

# 277 STC01-2: claim status codes seen on claim acknowledgments (a small, common subset).
STATUS_CODES = {
    "0": "no further status can be given electronically",
    "1": "see the remittance advice for details",
    "3": "adjudicated, awaiting the payment cycle",
    "16": "forwarded to the entity named",
    "19": "the entity named acknowledges receipt of the claim",
    "20": "accepted for processing",
    "21": "missing or invalid information",
    "35": "claim not found",
    "97": "patient eligibility not found with the entity named",
    "116": "claim submitted to the wrong payer",
    "158": "the entity's date of birth",
    "164": "the entity's contract/member number",
    "187": "date(s) of service",
    "500": "the entity's postal/ZIP code",
    "501": "the entity's state/province",
    "562": "the entity's National Provider Identifier (NPI)",
}

# STC01-3 / NM101: entity identifier codes.
ENTITIES = {
    "03": "dependent",
    "1P": "provider",
    "36": "employer",
    "40": "receiver",
    "41": "submitter",
    "45": "drop-off location",
    "71": "attending physician",
    "72": "operating physician",
    "77": "service location",
    "82": "rendering provider",
    "85": "billing provider",
    "87": "pay-to provider",
    "AY": "clearinghouse",
    "DK": "ordering physician",
    "DN": "referring provider",
    "DQ": "supervising physician",
    "GB": "other insured",
    "HK": "subscriber",
    "IL": "insured/subscriber",
    "PR": "payer",
    "PW": "pick-up location",
    "QB": "purchased service provider",
    "QC": "patient",
    "TU": "third party repricing organisation",
}

# STC03: action code of a 277CA.
ACTIONS = {"WQ": "accepted", "U": "rejected"}
