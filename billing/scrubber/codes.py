"""Code-set checks used by the claim scrubber: ICD-10-CM, CPT/HCPCS, modifiers, place of service.

Pure Python, no Django.

ICD-10-CM and the date of service
---------------------------------
ICD-10-CM comes from the ``simple_icd_10_cm`` package, which ships exactly one release of the
code set. Version 1.5.0 ships the CDC's *April 1, 2026* release of the **FY2026** code set
(``<version>2026</version>`` in its tabular XML). A fiscal year N code set is in effect for
services from Oct 1 of N-1 to Sep 30 of N, so FY2026 covers 2025-10-01 .. 2026-09-30.
The fiscal year is read from the package's data file at first use (`code_set_fiscal_year`),
so upgrading the package moves the window with it.

Limitations (we do not invent data for other years):

* For a service date outside that window, `icd10_billable` still answers with the FY2026 code
  set and says so in its reason: codes deleted or expanded since (or added later) may be
  misjudged. `code_set_covers(date)` tells callers whether the answer is authoritative; the
  scrubber turns out-of-window answers into warnings, not errors.
* The April 1 update adds a few codes mid-year. Without the October release file we cannot tell
  which, so for service dates Oct 1 - Mar 31 such codes are (wrongly) accepted.
* The package's ``change_version`` is not used here; if someone loads another release in the
  same process, `code_set_fiscal_year` still reports the packaged release.

The package accepts codes with or without the dot ("E11.9" and "E119") but is case- and
whitespace-sensitive, and `is_valid_item` also accepts chapters ("4") and blocks ("E08-E13"),
so codes are normalised and checked to be categories or subcategories first.

"Secondary only" codes: the package's tabular data states (introduction, "Code First/Use
Additional Code notes") that codes titled "in diseases classified elsewhere" are manifestation
codes and "are never permitted to be used as first listed or principal diagnosis codes".
`icd10_is_manifestation` applies that: the code or its category/subcategory ancestor carries
such a title, and the code (or an ancestor) carries a "code first" note. The second condition
keeps e.g. M14.6- Charcot's joint (under M14 "Arthropathies in other diseases classified
elsewhere" but without a code-first note, and usable as principal) out.
"""

import functools
import re
import warnings
from datetime import date
from importlib import resources
from types import ModuleType

# ---------------------------------------------------------------------------------------------
# ICD-10-CM
# ---------------------------------------------------------------------------------------------

# Fallback when the package's data file cannot be read: the release simple-icd-10-cm 1.5.0 ships.
_PACKAGED_FISCAL_YEAR = 2026
_PACKAGED_RELEASE = "April 1, 2026"

_MANIFESTATION_TITLE = re.compile(
    r"\bin (?:[a-z-]+ ){0,4}(?:diseases?|conditions?) classified elsewhere\b", re.IGNORECASE
)
_ICD10_SHAPE = re.compile(r"^[A-Z][0-9][0-9A-Z]{1,5}$")


@functools.cache
def _cm() -> ModuleType:
    """The ICD-10-CM package, imported on first use (loading it takes about two seconds)."""
    with warnings.catch_warnings():
        # The package reads its data with importlib.resources APIs deprecated in Python 3.11.
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10_cm

    return simple_icd_10_cm


@functools.cache
def _release() -> tuple[int, str]:
    """(fiscal year, release label) of the code set the package ships."""
    cm = _cm()
    name = getattr(cm, "_classification_data_package_file_name", "")
    try:
        data_dir = resources.files("simple_icd_10_cm") / "data"
        if not name:
            name = next(
                entry.name
                for entry in data_dir.iterdir()
                if "tabular" in entry.name and entry.name.endswith(".xml")
            )
        with (data_dir / name).open("r", encoding="utf-8") as handle:
            head = handle.read(2048)
    except (OSError, StopIteration, ModuleNotFoundError):
        return _PACKAGED_FISCAL_YEAR, _PACKAGED_RELEASE
    version = re.search(r"<version>\s*(\d{4})\s*</version>", head)
    fiscal_year = int(version.group(1)) if version else _PACKAGED_FISCAL_YEAR
    stamp = re.search(r"([A-Z][a-z]+)-(\d{1,2})-(\d{4})", name)
    label = f"{stamp.group(1)} {stamp.group(2)}, {stamp.group(3)}" if stamp else name
    return fiscal_year, label


def code_set_fiscal_year() -> int:
    """Fiscal year of the ICD-10-CM code set in use (2026 for simple-icd-10-cm 1.5.0)."""
    return _release()[0]


def code_set_release() -> str:
    """Human label of the release, e.g. "April 1, 2026"."""
    return _release()[1]


def fiscal_year(day: date) -> int:
    """The ICD-10-CM fiscal year a date of service falls in (FY N starts Oct 1 of N-1)."""
    return day.year + 1 if day.month >= 10 else day.year


def code_set_window() -> tuple[date, date]:
    """First and last service date the packaged code set is in effect for."""
    year = code_set_fiscal_year()
    return date(year - 1, 10, 1), date(year, 9, 30)


def code_set_covers(service_date: date) -> bool:
    first, last = code_set_window()
    return first <= service_date <= last


def normalize_icd10(code: str) -> str:
    """ "e11.9 " -> "E119": the no-dot, upper-case form claims carry."""
    return (code or "").strip().upper().replace(".", "")


def icd10_display(code: str) -> str:
    """ "E119" -> "E11.9" (the dotted form people read)."""
    code = normalize_icd10(code)
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"


def icd10_exists(code: str) -> bool:
    """The code is a category or subcategory of the packaged ICD-10-CM (billable or not)."""
    code = normalize_icd10(code)
    if not _ICD10_SHAPE.match(code):
        return False
    cm = _cm()
    return cm.is_valid_item(code) and cm.is_category_or_subcategory(code)


def icd10_description(code: str) -> str:
    return _cm().get_description(normalize_icd10(code)) if icd10_exists(code) else ""


def _date_note(service_date: date) -> str:
    if code_set_covers(service_date):
        return ""
    year = code_set_fiscal_year()
    first, last = code_set_window()
    service_year = fiscal_year(service_date)
    if service_date < first:
        where = f"before the FY{year} code set took effect ({first.isoformat()})"
        changed = f"since FY{service_year}"
    else:
        where = f"after the FY{year} code set's last day ({last.isoformat()})"
        changed = f"in FY{service_year}"
    return (
        f" Note: the service date {service_date.isoformat()} falls in FY{service_year}, {where};"
        f" the FY{year} code set ({code_set_release()} release) was used because it is the only"
        f" one available, so codes changed {changed} may be misjudged."
    )


def icd10_billable(code: str, service_date: date) -> tuple[bool, str]:
    """Whether `code` is billable (a leaf of the classification) on `service_date`.

    Answers from the packaged FY code set; for dates outside its window the reason says so
    (see the module docstring).
    """
    year = code_set_fiscal_year()
    shown = icd10_display(code) or repr(code)
    note = _date_note(service_date)
    if not icd10_exists(code):
        return False, f"{shown} is not an ICD-10-CM code in the FY{year} code set.{note}"
    cm = _cm()
    normalized = normalize_icd10(code)
    if not cm.is_leaf(normalized):
        children = cm.get_children(normalized)
        example = f", such as {children[0]}" if children else ""
        return False, (
            f"{shown} ({cm.get_description(normalized)}) is a heading, not a billable code, in"
            f" the FY{year} code set; it needs more characters{example}.{note}"
        )
    return True, (
        f"{shown} ({cm.get_description(normalized)}) is billable in the FY{year} code set.{note}"
    )


def icd10_is_external_cause(code: str) -> bool:
    """Chapter 20, External causes of morbidity (V00-Y99): never a principal diagnosis."""
    return normalize_icd10(code)[:1] in {"V", "W", "X", "Y"}


def icd10_is_manifestation(code: str) -> bool:
    """A manifestation ("in diseases classified elsewhere") code: never a principal diagnosis."""
    if not icd10_exists(code):
        return False
    cm = _cm()
    normalized = normalize_icd10(code)
    lineage = [normalized] + [
        ancestor
        for ancestor in cm.get_ancestors(normalized)
        if cm.is_category_or_subcategory(ancestor)
    ]
    titled = any(_MANIFESTATION_TITLE.search(cm.get_description(item)) for item in lineage)
    return titled and bool(cm.get_code_first(normalized, search_in_ancestors=True))


# ---------------------------------------------------------------------------------------------
# CPT / HCPCS Level II
# ---------------------------------------------------------------------------------------------

_CPT = re.compile(r"^\d{5}$")
# Category II (F), Category III (T), Proprietary Laboratory Analyses (U) and administrative
# Multianalyte Assays with Algorithmic Analyses (M) codes: 4 digits and a letter.
_CPT_LETTERED = re.compile(r"^\d{4}([FTUM])$")
# HCPCS Level II: a section letter and 4 digits. Sections are A-V except F, I, N and O, which
# no HCPCS Level II section uses. D (dental, CDT) is kept: some medical payers accept it.
_HCPCS = re.compile(r"^[A-EG-HJ-MP-V]\d{4}$")
_LETTERED_KINDS = {
    "F": "CPT Category II",
    "T": "CPT Category III",
    "U": "CPT Proprietary Laboratory Analyses",
    "M": "CPT Multianalyte Assay",
}


def procedure_code_kind(code: str) -> str | None:
    """ "CPT", "CPT Category II", ..., "HCPCS Level II", or None when the format is wrong."""
    if _CPT.match(code or ""):
        return "CPT"
    lettered = _CPT_LETTERED.match(code or "")
    if lettered:
        return _LETTERED_KINDS[lettered.group(1)]
    if _HCPCS.match(code or ""):
        return "HCPCS Level II"
    return None


def is_evaluation_and_management(code: str) -> bool:
    """CPT E/M section codes 99202-99499 (office, hospital, nursing facility, home visits...)."""
    return bool(_CPT.match(code or "")) and 99202 <= int(code) <= 99499


# ---------------------------------------------------------------------------------------------
# Modifiers
# ---------------------------------------------------------------------------------------------

MODIFIER_FORMAT = re.compile(r"^[A-Z0-9]{2}$")
MAX_MODIFIERS = 4

# Well-known CPT and HCPCS Level II modifiers. Not the full list (which runs to hundreds):
# an unknown modifier is a warning to double-check, never an error.
KNOWN_MODIFIERS: dict[str, str] = {
    "22": "Increased procedural services",
    "23": "Unusual anesthesia",
    "24": "Unrelated E/M service by the same physician during a postoperative period",
    "25": "Significant, separately identifiable E/M service on the same day as a procedure",
    "26": "Professional component",
    "27": "Multiple outpatient hospital E/M encounters on the same date",
    "32": "Mandated services",
    "33": "Preventive services",
    "47": "Anesthesia by surgeon",
    "50": "Bilateral procedure",
    "51": "Multiple procedures",
    "52": "Reduced services",
    "53": "Discontinued procedure",
    "54": "Surgical care only",
    "55": "Postoperative management only",
    "56": "Preoperative management only",
    "57": "Decision for surgery",
    "58": "Staged or related procedure during the postoperative period",
    "59": "Distinct procedural service",
    "62": "Two surgeons",
    "63": "Procedure performed on infants less than 4 kg",
    "66": "Surgical team",
    "73": "Discontinued outpatient procedure before anesthesia",
    "74": "Discontinued outpatient procedure after anesthesia",
    "76": "Repeat procedure by the same physician",
    "77": "Repeat procedure by another physician",
    "78": "Unplanned return to the operating room during the postoperative period",
    "79": "Unrelated procedure during the postoperative period",
    "80": "Assistant surgeon",
    "81": "Minimum assistant surgeon",
    "82": "Assistant surgeon when a qualified resident is not available",
    "90": "Reference (outside) laboratory",
    "91": "Repeat clinical diagnostic laboratory test",
    "92": "Alternative laboratory platform testing",
    "93": "Synchronous telemedicine service via audio-only telecommunications",
    "95": "Synchronous telemedicine service via real-time audio and video",
    "96": "Habilitative services",
    "97": "Rehabilitative services",
    "99": "Multiple modifiers",
    "AI": "Principal physician of record",
    "AS": "Assistant at surgery by a physician assistant, nurse practitioner or CNS",
    "CO": "Outpatient occupational therapy by an occupational therapy assistant",
    "CQ": "Outpatient physical therapy by a physical therapist assistant",
    "CR": "Catastrophe/disaster related",
    "CS": "Cost-sharing waived",
    "E1": "Upper left eyelid",
    "E2": "Lower left eyelid",
    "E3": "Upper right eyelid",
    "E4": "Lower right eyelid",
    "FA": "Left hand, thumb",
    "F1": "Left hand, second digit",
    "F2": "Left hand, third digit",
    "F3": "Left hand, fourth digit",
    "F4": "Left hand, fifth digit",
    "F5": "Right hand, thumb",
    "F6": "Right hand, second digit",
    "F7": "Right hand, third digit",
    "F8": "Right hand, fourth digit",
    "F9": "Right hand, fifth digit",
    "FQ": "Service furnished using audio-only communication technology",
    "FS": "Split (or shared) E/M visit",
    "GA": "Waiver of liability statement (ABN) on file",
    "GC": "Service performed in part by a resident under a teaching physician",
    "GE": "Service performed by a resident without a teaching physician (primary care exception)",
    "GN": "Services under an outpatient speech-language pathology plan of care",
    "GO": "Services under an outpatient occupational therapy plan of care",
    "GP": "Services under an outpatient physical therapy plan of care",
    "GQ": "Via asynchronous telecommunications system",
    "GT": "Via interactive audio and video telecommunication systems",
    "GV": "Attending physician not employed or paid under arrangement by the hospice",
    "GW": "Service not related to the hospice patient's terminal condition",
    "GX": "Notice of liability issued, voluntary under payer policy",
    "GY": "Item or service statutorily excluded or not a contract benefit",
    "GZ": "Item or service expected to be denied as not reasonable and necessary, no ABN",
    "JW": "Drug amount discarded/not administered",
    "JZ": "Zero drug amount discarded",
    "KX": "Requirements in the medical policy have been met",
    "LC": "Left circumflex coronary artery",
    "LD": "Left anterior descending coronary artery",
    "LM": "Left main coronary artery",
    "LT": "Left side",
    "NU": "New equipment",
    "PO": "Excepted service at an off-campus provider-based department",
    "PN": "Non-excepted service at an off-campus provider-based department",
    "Q5": "Substitute physician under a reciprocal billing arrangement",
    "Q6": "Substitute physician under a fee-for-time (locum tenens) arrangement",
    "QK": "Medical direction of 2-4 concurrent anesthesia procedures",
    "QW": "CLIA-waived test",
    "QX": "CRNA service with medical direction by a physician",
    "QZ": "CRNA service without medical direction by a physician",
    "RC": "Right coronary artery",
    "RI": "Ramus intermedius coronary artery",
    "RR": "Rental",
    "RT": "Right side",
    "SA": "Nurse practitioner rendering service in collaboration with a physician",
    "TA": "Left foot, great toe",
    "T1": "Left foot, second digit",
    "T2": "Left foot, third digit",
    "T3": "Left foot, fourth digit",
    "T4": "Left foot, fifth digit",
    "T5": "Right foot, great toe",
    "T6": "Right foot, second digit",
    "T7": "Right foot, third digit",
    "T8": "Right foot, fourth digit",
    "T9": "Right foot, fifth digit",
    "TC": "Technical component",
    "UE": "Used durable medical equipment",
    "XE": "Separate encounter",
    "XP": "Separate practitioner",
    "XS": "Separate structure",
    "XU": "Unusual non-overlapping service",
}

# Modifiers that mark a service as telehealth (real-time audio/video, audio-only, asynchronous).
TELEHEALTH_MODIFIERS = frozenset({"95", "GT", "GQ", "93", "FQ"})
TELEHEALTH_POS = frozenset({"02", "10"})


def modifier_is_well_formed(modifier: str) -> bool:
    return bool(MODIFIER_FORMAT.match(modifier or ""))


# ---------------------------------------------------------------------------------------------
# Place of service (CMS Place of Service code set; codes not listed are unassigned)
# ---------------------------------------------------------------------------------------------

PLACE_OF_SERVICE: dict[str, str] = {
    "01": "Pharmacy",
    "02": "Telehealth Provided Other than in Patient's Home",
    "03": "School",
    "04": "Homeless Shelter",
    "05": "Indian Health Service Free-standing Facility",
    "06": "Indian Health Service Provider-based Facility",
    "07": "Tribal 638 Free-standing Facility",
    "08": "Tribal 638 Provider-based Facility",
    "09": "Prison/Correctional Facility",
    "10": "Telehealth Provided in Patient's Home",
    "11": "Office",
    "12": "Home",
    "13": "Assisted Living Facility",
    "14": "Group Home",
    "15": "Mobile Unit",
    "16": "Temporary Lodging",
    "17": "Walk-in Retail Health Clinic",
    "18": "Place of Employment-Worksite",
    "19": "Off Campus-Outpatient Hospital",
    "20": "Urgent Care Facility",
    "21": "Inpatient Hospital",
    "22": "On Campus-Outpatient Hospital",
    "23": "Emergency Room - Hospital",
    "24": "Ambulatory Surgical Center",
    "25": "Birthing Center",
    "26": "Military Treatment Facility",
    "27": "Outreach Site/Street",
    "31": "Skilled Nursing Facility",
    "32": "Nursing Facility",
    "33": "Custodial Care Facility",
    "34": "Hospice",
    "41": "Ambulance - Land",
    "42": "Ambulance - Air or Water",
    "49": "Independent Clinic",
    "50": "Federally Qualified Health Center",
    "51": "Inpatient Psychiatric Facility",
    "52": "Psychiatric Facility-Partial Hospitalization",
    "53": "Community Mental Health Center",
    "54": "Intermediate Care Facility/Individuals with Intellectual Disabilities",
    "55": "Residential Substance Abuse Treatment Facility",
    "56": "Psychiatric Residential Treatment Center",
    "57": "Non-residential Substance Abuse Treatment Facility",
    "58": "Non-residential Opioid Treatment Facility",
    "60": "Mass Immunization Center",
    "61": "Comprehensive Inpatient Rehabilitation Facility",
    "62": "Comprehensive Outpatient Rehabilitation Facility",
    "65": "End-Stage Renal Disease Treatment Facility",
    "66": "Programs of All-Inclusive Care for the Elderly (PACE) Center",
    "71": "State or Local Public Health Clinic",
    "72": "Rural Health Clinic",
    "81": "Independent Laboratory",
    "99": "Other Place of Service",
}


# ---------------------------------------------------------------------------------------------
# X12 code lists the claim carries
# ---------------------------------------------------------------------------------------------

# SBR09 claim filing indicator codes (837P 5010).
CLAIM_FILING_INDICATORS: dict[str, str] = {
    "11": "Other Non-Federal Programs",
    "12": "Preferred Provider Organization (PPO)",
    "13": "Point of Service (POS)",
    "14": "Exclusive Provider Organization (EPO)",
    "15": "Indemnity Insurance",
    "16": "Health Maintenance Organization (HMO) Medicare Risk",
    "17": "Dental Maintenance Organization",
    "AM": "Automobile Medical",
    "BL": "Blue Cross/Blue Shield",
    "CH": "CHAMPUS (TRICARE)",
    "CI": "Commercial Insurance Co.",
    "DS": "Disability",
    "FI": "Federal Employees Program",
    "HM": "Health Maintenance Organization",
    "LM": "Liability Medical",
    "MA": "Medicare Part A",
    "MB": "Medicare Part B",
    "MC": "Medicaid",
    "OF": "Other Federal Program",
    "TV": "Title V",
    "VA": "Veterans Affairs Plan",
    "WC": "Workers' Compensation Health Claim",
    "ZZ": "Mutually Defined",
}

# SBR01 payer responsibility, in order: the position is how many payers come before this one.
PAYER_RESPONSIBILITY_ORDER = "PSTABCDEFGH"
PAYER_RESPONSIBILITY_CODES = frozenset(PAYER_RESPONSIBILITY_ORDER) | {"U"}  # U: unknown

# PAT01 / SBR02 individual relationship codes allowed on an 837P.
RELATIONSHIP_CODES: dict[str, str] = {
    "18": "Self",
    "01": "Spouse",
    "19": "Child",
    "20": "Employee",
    "21": "Unknown",
    "39": "Organ Donor",
    "40": "Cadaver Donor",
    "53": "Life Partner",
    "G8": "Other Relationship",
}

CLAIM_FREQUENCY_CODES: dict[str, str] = {
    "1": "Original claim",
    "7": "Replacement of a prior claim",
    "8": "Void/cancel of a prior claim",
}

UNIT_CODES: dict[str, str] = {"UN": "Units", "MJ": "Minutes"}

SEX_CODES: dict[str, str] = {"M": "Male", "F": "Female", "U": "Unknown"}

# USPS codes valid in addresses besides mso.geo.US_STATES (which lists where a practice can be):
# the remaining territories, freely associated states and the military "states".
USPS_EXTRA_STATES: dict[str, str] = {
    "AS": "American Samoa",
    "MP": "Northern Mariana Islands",
    "FM": "Federated States of Micronesia",
    "MH": "Marshall Islands",
    "PW": "Palau",
    "AA": "Armed Forces Americas",
    "AE": "Armed Forces Europe",
    "AP": "Armed Forces Pacific",
}
