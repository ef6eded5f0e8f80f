"""Plain-language texts for the codes of an 835 remittance: claim adjustment group codes,
claim adjustment reason codes (CARC), remittance advice remark codes (RARC), provider-level
adjustment reasons (PLB03-1) and claim status codes (CLP02).

The texts are short paraphrases for billing staff written for this system, not the official
code-list wording (the lists are maintained by X12 and CMS and change several times a year).
Only the codes that practices commonly see are listed; anything else still reads, as
"CARC 123 (not in this system's code table)", so a new code never breaks reading.
"""

from billing.x12.codes import describe

__all__ = [
    "CARC",
    "CLAIM_STATUS",
    "GROUP_CODES",
    "GROUP_CODES_5010",
    "PLB_REASONS",
    "RARC",
    "adjustment_text",
    "carc_text",
    "claim_status_text",
    "group_text",
    "plb_text",
    "rarc_text",
]

# CAS01. CR belonged to version 4010; 005010X221A1 dropped it (a reversal now repeats the
# original group codes with negated amounts), so the 835 reader reports it as a deviation.
GROUP_CODES = {
    "CO": "contractual obligation: the provider writes it off and may not bill the patient",
    "PR": "patient responsibility: may be billed to the patient (or a secondary payer)",
    "OA": "other adjustment: neither the provider's contract nor the patient's share",
    "PI": "payer-initiated reduction: not the patient's share, but no contract behind it",
    "CR": "correction or reversal of an earlier payment (version 4010 only, not used in 5010)",
}
GROUP_CODES_5010 = frozenset({"CO", "OA", "PI", "PR"})

# CAS02/05/08/11/14/17: claim adjustment reason codes (the common ones).
CARC = {
    "1": "deductible",
    "2": "coinsurance",
    "3": "copayment",
    "4": "the procedure code does not fit the modifier, or a required modifier is missing",
    "5": "the procedure code or bill type does not fit the place of service",
    "6": "the procedure or revenue code does not fit the patient's age",
    "7": "the procedure or revenue code does not fit the patient's sex",
    "8": "the procedure code does not fit the provider's type or specialty",
    "9": "the diagnosis does not fit the patient's age",
    "10": "the diagnosis does not fit the patient's sex",
    "11": "the diagnosis does not fit the procedure",
    "12": "the diagnosis does not fit the provider type",
    "13": "the date of death is before the date of service",
    "14": "the date of birth is after the date of service",
    "15": "the authorization number is missing, invalid or does not apply",
    "16": "the claim lacks information or has billing errors (see the remark codes)",
    "18": "exact duplicate of a claim or service already processed",
    "19": "work-related injury or illness: the workers' compensation carrier is liable",
    "20": "injury covered by a liability carrier",
    "21": "covered by a no-fault carrier",
    "22": "another payer may cover this under coordination of benefits",
    "23": "effect of what a prior payer paid or adjusted",
    "24": "covered under a capitation agreement or managed care plan",
    "26": "services before coverage started",
    "27": "services after coverage ended",
    "29": "the time limit for filing has expired",
    "31": "the patient cannot be identified as our insured",
    "32": "the patient is not an eligible dependent according to our records",
    "33": "the insured has no dependent coverage",
    "34": "the insured has no coverage for newborns",
    "35": "lifetime benefit maximum reached",
    "39": "services were denied when authorization was requested",
    "40": "the charges do not qualify as emergency or urgent care",
    "42": "charges above the usual and customary amount or maximum fee (retired code)",
    "45": "charge above the fee schedule, maximum allowable or contracted amount",
    "49": "routine or preventive examination not covered",
    "50": "not medically necessary in the payer's judgement",
    "51": "pre-existing condition not covered",
    "53": "services by an immediate relative or household member are not covered",
    "54": "multiple physicians or assistants are not covered in this case",
    "55": "experimental or investigational procedure, drug or device",
    "56": "treatment not proven effective by the payer's standards",
    "58": "treatment given in an inappropriate or invalid place of service",
    "59": "reduced under the multiple or concurrent procedure rules",
    "60": "outpatient services too close to, or during, an inpatient stay",
    "66": "blood deductible",
    "89": "professional fees taken out of the charges",
    "94": "processed for more than the charges",
    "95": "the plan's procedures were not followed",
    "96": "non-covered charge",
    "97": "included in the payment for another service already adjudicated",
    "100": "the payment was made to the patient, insured or responsible party",
    "101": "predetermination: the expected payment once the service is completed",
    "104": "managed care withholding",
    "107": "the related or qualifying claim or service was not identified on this claim",
    "109": "not covered by this payer: send the claim to the correct payer",
    "110": "the billing date is before the service date",
    "119": "benefit maximum for this period or occurrence reached",
    "129": "the information from prior processing was incorrect",
    "131": "claim-specific negotiated discount",
    "136": "the prior payer's coverage rules were not followed",
    "140": "the patient's health plan id and name do not match",
    "146": "the diagnosis is not valid for the date of service",
    "149": "lifetime benefit maximum for this service reached",
    "150": "the information submitted does not support this level of service",
    "151": "the information submitted does not support this many services",
    "167": "the diagnosis is not covered",
    "170": "not paid when performed or billed by this type of provider",
    "171": "not paid when performed by this type of provider in this type of facility",
    "181": "the procedure code was not valid on the date of service",
    "182": "the modifier was not valid on the date of service",
    "183": "the referring provider is not eligible to refer this service",
    "185": "the rendering provider is not eligible to perform this service",
    "187": "paid from a consumer spending account (HSA, FSA, HRA)",
    "189": "a 'not otherwise classified' code was billed where a specific code exists",
    "192": "non-standard adjustment code carried over from a paper remittance",
    "197": "precertification, notification or authorization was not obtained",
    "198": "more than the precertified or authorized services",
    "199": "the revenue code and the procedure code do not match",
    "204": "not covered under the patient's current benefit plan",
    "222": "more than the contracted maximum hours, days or units",
    "226": "information requested from the provider was not given or was insufficient",
    "227": "information requested from the patient or insured was not given",
    "234": "this procedure is not paid separately",
    "236": "this procedure or combination is not compatible with another one on the same day",
    "242": "services not provided by network or primary care providers",
    "243": "services not authorized by network or primary care providers",
    "246": "a reporting-only code that is not paid",
    "251": "the attachment or other documentation was incomplete or deficient",
    "252": "an attachment or other documentation is required to adjudicate",
    "253": "sequestration: reduction of the federal payment",
    "256": "not payable under the managed care contract",
    "272": "coverage or program guidelines were not met",
    "288": "a referral is missing",
    "A1": "claim or service denied (see the remark codes)",
    "A2": "contractual adjustment",
    "A6": "the prior hospitalization or 30-day transfer requirement was not met",
    "A7": "presumptive payment adjustment",
    "A8": "ungroupable DRG",
    "B1": "non-covered visits",
    "B4": "late filing penalty",
    "B7": "the provider was not certified or eligible for this procedure on this date",
    "B9": "the patient is enrolled in a hospice",
    "B10": "reduced because a component of the basic procedure or test was paid",
    "B11": "transferred to the proper payer or processor",
    "B13": "previously paid: payment may have been made in an earlier remittance",
    "B15": "requires a qualifying service that was not received or covered",
    "B16": "the 'new patient' requirements were not met",
    "B20": "the service was partly or fully furnished by another provider",
    "B22": "payment adjusted because of the diagnosis",
}

# MOA, MIA and LQ*HE: remittance advice remark codes (the common ones).
RARC = {
    "M15": "separately billed services or tests were bundled into another service",
    "M20": "the HCPCS code is missing, incomplete or invalid",
    "M51": "the procedure code is missing, incomplete or invalid",
    "M76": "the diagnosis is missing, incomplete or invalid",
    "M77": "the place of service is missing, incomplete or invalid",
    "M80": "not covered when done in the same session as another approved procedure",
    "M86": "denied: a same or similar procedure was already paid within the set period",
    "MA01": "appeal rights: you may appeal this decision within the time limit",
    "MA02": "appeal rights: a written appeal may be filed if you disagree",
    "MA04": "a secondary payment needs the primary payer's information first",
    "MA07": "the claim information was also forwarded to Medicaid",
    "MA18": "the claim information was also forwarded to the patient's supplemental insurer",
    "MA130": "the claim is incomplete or invalid and has no appeal rights: fix and resubmit",
    "N19": "the procedure code is incidental to the primary procedure",
    "N20": "not paid together with another service on the same date",
    "N30": "the patient is not eligible for this service",
    "N115": "decided under a local coverage determination (LCD)",
    "N130": "see the plan's benefit documents for coverage limits",
    "N290": "the rendering provider's primary identifier is missing, incomplete or invalid",
    "N362": "the number of days or units exceeds the acceptable maximum",
    "N386": "decided under a national coverage determination (NCD)",
}

# PLB03-1: provider-level adjustment reasons. A positive PLB amount reduces the payment.
PLB_REASONS = {
    "50": "late charge",
    "51": "interest penalty charge",
    "72": "authorized return (refund the provider asked for)",
    "90": "early payment allowance",
    "AH": "origination fee",
    "AM": "applied to the borrower's account",
    "AP": "acceleration of benefits",
    "B2": "rebate",
    "B3": "recovery allowance",
    "BD": "bad debt adjustment",
    "BN": "bonus",
    "C5": "temporary allowance",
    "CR": "capitation interest",
    "CS": "adjustment (see the reference)",
    "CT": "capitation payment",
    "CV": "capital pass-through",
    "CW": "certified registered nurse anesthetist pass-through",
    "DM": "direct medical education pass-through",
    "E3": "withholding",
    "FB": "forwarding balance carried to or from another remittance",
    "FC": "fund allocation",
    "GO": "graduate medical education pass-through",
    "HM": "hemophilia clotting factor supplement",
    "IP": "incentive premium payment",
    "IR": "Internal Revenue Service withholding",
    "IS": "interim settlement",
    "J1": "non-reimbursable",
    "L3": "penalty",
    "L6": "interest owed to the provider",
    "LE": "levy",
    "LS": "lump sum",
    "OA": "organ acquisition pass-through",
    "OB": "offset for affiliated providers",
    "PI": "periodic interim payment",
    "PL": "final payment",
    "RA": "retroactive adjustment",
    "RE": "return on equity",
    "SL": "student loan repayment",
    "TL": "third-party liability",
    "WO": "overpayment recovery (recoupment of an earlier payment)",
    "WU": "unspecified recovery",
}

# CLP02: claim status codes.
CLAIM_STATUS = {
    "1": "processed as primary",
    "2": "processed as secondary",
    "3": "processed as tertiary",
    "4": "denied",
    "19": "processed as primary, forwarded to another payer",
    "20": "processed as secondary, forwarded to another payer",
    "21": "processed as tertiary, forwarded to another payer",
    "22": "reversal of a previous payment",
    "23": "not our claim, forwarded to another payer",
    "25": "predetermination pricing only, no payment",
}


def group_text(code: str) -> str:
    return describe(GROUP_CODES, code, "group code")


def carc_text(code: str) -> str:
    return describe(CARC, code, "CARC")


def rarc_text(code: str) -> str:
    return describe(RARC, code, "RARC")


def plb_text(code: str) -> str:
    return describe(PLB_REASONS, code, "provider adjustment reason")


def claim_status_text(code: str) -> str:
    return describe(CLAIM_STATUS, code, "claim status")


def adjustment_text(group: str, reason: str) -> str:
    """ "CO-45: charge above the fee schedule, ... (contractual obligation: ...)"."""
    return f"{group}-{reason}: {carc_text(reason)} ({group_text(group)})"
