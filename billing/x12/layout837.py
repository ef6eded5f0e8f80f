"""Loop layout of the 837 Professional claim, 005010X222A1 (ST ... SE).

Positions follow the order of the implementation guide; rules sharing a position (the DTP,
REF, AMT, CRC and HI variants, the 2310x, 2330x and 2420x provider loops) may appear in any
order among themselves. Qualifiers (HL03, NM101, the DTP/REF/AMT/QTY/CRC qualifiers, HI01-1)
decide which rule a segment belongs to. Element checks cover the code lists the reader relies
on; CLM05-2 (facility code qualifier, always B) is fatal like the loop qualifiers.
"""

from billing.x12.grammar import El, Loop, Seg, el, loop, seg

FILING_INDICATORS = "11 12 13 14 15 16 17 AM BL CH CI DS FI HM LM MA MB MC OF TV VA WC ZZ"  # SBR09
RESPONSIBILITY = "A B C D E F G H P S T U"  # SBR01
PATIENT_RELATIONSHIP = "01 19 20 21 39 40 53 G8"  # PAT01
OTHER_RELATIONSHIP = "01 18 19 20 21 39 40 53 G8"  # 2320 SBR02


def _nm1(codes: str, name: str, entity_types: str, id_qualifiers: str | None) -> Seg:
    checks: list[El] = [el(2, "Entity Type Qualifier", required=True, codes=entity_types)]
    if id_qualifiers is not None:
        checks.append(el(8, "Identification Code Qualifier", codes=id_qualifiers))
    return seg("NM1", name, 10, "R", q=(1, codes), elements=checks)


def _n3(name: str, pos: int, usage: str = "R") -> Seg:
    return seg("N3", name, pos, usage, elements=[el(1, "Address", required=True)])


def _n4(name: str, pos: int, usage: str = "R") -> Seg:
    return seg("N4", name, pos, usage, elements=[el(1, "City", required=True)])


def _ref(codes: str, name: str, pos: int, usage: str = "S", max_use: int = 1) -> Seg:
    return seg(
        "REF",
        name,
        pos,
        usage,
        max_use,
        q=(1, codes),
        elements=[el(2, "Reference Identification", required=True)],
    )


def _dtp(
    codes: str, name: str, pos: int, formats: str = "D8", usage: str = "S", max_use: int = 1
) -> Seg:
    return seg(
        "DTP",
        name,
        pos,
        usage,
        max_use,
        q=(1, codes),
        elements=[
            el(2, "Date Time Period Format Qualifier", required=True, codes=formats),
            el(3, "Date Time Period", required=True, kind="dtp"),
        ],
    )


def _amt(codes: str, name: str, pos: int) -> Seg:
    return seg(
        "AMT", name, pos, q=(1, codes), elements=[el(2, "Amount", required=True, kind="number")]
    )


def _per(name: str, pos: int, max_use: int = 1) -> Seg:
    return seg("PER", name, pos, "S", max_use, q=(1, "IC"))


def _address_loop(loop_id: str, codes: str, name: str, usage: str = "S", repeat: int = 1) -> Loop:
    return loop(
        loop_id,
        name,
        500,
        usage,
        repeat,
        _nm1(codes, name, "2", None),
        _n3(f"{name} Address", 20),
        _n4(f"{name} City, State, ZIP Code", 30),
    )


def _claim(usage: str, pos: int) -> Loop:
    return loop(
        "2300",
        "Claim Information",
        pos,
        usage,
        100,
        seg(
            "CLM",
            "Claim Information",
            130,
            "R",
            elements=[
                el(1, "Patient Control Number", required=True),
                el(2, "Total Claim Charge Amount", required=True, kind="number"),
                el(5, "Place of Service Code", component=1, required=True),
                el(5, "Facility Code Qualifier", component=2, required=True, codes="B", fatal=True),
                el(5, "Claim Frequency Type Code", component=3, required=True),
                el(6, "Provider Signature Indicator", required=True, codes="N Y"),
                el(7, "Assignment or Plan Participation Code", required=True, codes="A B C"),
                el(8, "Benefits Assignment Certification Indicator", required=True, codes="N W Y"),
                el(9, "Release of Information Code", required=True, codes="I Y"),
                el(10, "Patient Signature Source Code", codes="P"),
                el(11, "Related Causes Code", component=1, codes="AA EM OA"),
                el(12, "Special Program Indicator", codes="02 03 05 09"),
                el(20, "Delay Reason Code", codes="1 2 3 4 5 6 7 8 9 10 11 15"),
            ],
        ),
        _dtp("431", "Date - Onset of Current Illness or Symptom", 135),
        _dtp("454", "Date - Initial Treatment Date", 135),
        _dtp("304", "Date - Last Seen Date", 135),
        _dtp("453", "Date - Acute Manifestation", 135),
        _dtp("439", "Date - Accident", 135),
        _dtp("484", "Date - Last Menstrual Period", 135),
        _dtp("455", "Date - Last X-ray Date", 135),
        _dtp("471", "Date - Hearing and Vision Prescription Date", 135),
        _dtp("314 360 361", "Date - Disability Dates", 135, "D8 RD8"),
        _dtp("297", "Date - Last Worked", 135),
        _dtp("296", "Date - Authorized Return to Work", 135),
        _dtp("435", "Date - Admission", 135),
        _dtp("096", "Date - Discharge", 135),
        _dtp("090 091", "Date - Assumed and Relinquished Care Dates", 135, max_use=2),
        _dtp("444", "Date - Property and Casualty Date of First Contact", 135),
        _dtp("050", "Date - Repricer Received Date", 135),
        seg("PWK", "Claim Supplemental Information", 155, "S", 10),
        seg("CN1", "Contract Information", 160),
        _amt("F5", "Patient Amount Paid", 175),
        _ref("4N", "Service Authorization Exception Code", 180),
        _ref("F5", "Mandatory Medicare (Section 4081) Crossover Indicator", 180),
        _ref("EW", "Mammography Certification Number", 180),
        _ref("9F", "Referral Number", 180),
        _ref("G1", "Prior Authorization", 180),
        _ref("F8", "Payer Claim Control Number", 180),
        _ref("X4", "CLIA Number", 180),
        _ref("9A", "Repriced Claim Number", 180),
        _ref("9C", "Adjusted Repriced Claim Number", 180),
        _ref("LX", "Investigational Device Exemption Number", 180),
        _ref("D9", "Claim Identifier For Transmission Intermediaries", 180),
        _ref("EA", "Medical Record Number", 180),
        _ref("P4", "Demonstration Project Identifier", 180),
        _ref("1J", "Care Plan Oversight", 180),
        seg("K3", "File Information", 185, "S", 10),
        seg("NTE", "Claim Note", 190, elements=[el(2, "Description", required=True)]),
        seg("CR1", "Ambulance Transport Information", 195),
        seg("CR2", "Spinal Manipulation Service Information", 200),
        seg("CRC", "Ambulance Certification", 220, "S", 3, q=(1, "07")),
        seg("CRC", "Patient Condition Information: Vision", 220, "S", 3, q=(1, "E1 E2 E3")),
        seg("CRC", "Homebound Indicator", 220, q=(1, "75")),
        seg("CRC", "EPSDT Referral", 220, q=(1, "ZZ")),
        seg("HI", "Health Care Diagnosis Code", 231, "R", q=(1, 1, "ABK BK")),
        seg("HI", "Anesthesia Related Procedure", 231, q=(1, 1, "BP")),
        seg("HI", "Condition Information", 231, "S", 2, q=(1, 1, "BG")),
        seg("HCP", "Claim Pricing/Repricing Information", 241),
        loop(
            "2310A",
            "Referring Provider Name",
            250,
            "S",
            2,
            _nm1("DN P3", "Referring Provider Name", "1", "XX"),
            _ref("0B 1G G2", "Referring Provider Secondary Identification", 20, max_use=3),
        ),
        loop(
            "2310B",
            "Rendering Provider Name",
            250,
            "S",
            1,
            _nm1("82", "Rendering Provider Name", "1 2", "XX"),
            seg("PRV", "Rendering Provider Specialty Information", 15, q=(1, "PE")),
            _ref("0B 1G G2 LU", "Rendering Provider Secondary Identification", 20, max_use=4),
        ),
        loop(
            "2310C",
            "Service Facility Location Name",
            250,
            "S",
            1,
            _nm1("77", "Service Facility Location Name", "2", "XX"),
            _n3("Service Facility Location Address", 20),
            _n4("Service Facility Location City, State, ZIP Code", 30),
            _ref("0B G2 LU", "Service Facility Location Secondary Identification", 40, max_use=3),
            _per("Service Facility Contact Information", 50),
        ),
        loop(
            "2310D",
            "Supervising Provider Name",
            250,
            "S",
            1,
            _nm1("DQ", "Supervising Provider Name", "1", "XX"),
            _ref("0B 1G G2 LU", "Supervising Provider Secondary Identification", 20, max_use=4),
        ),
        loop(
            "2310E",
            "Ambulance Pick-up Location",
            250,
            "S",
            1,
            _nm1("PW", "Ambulance Pick-up Location", "2", None),
            _n3("Ambulance Pick-up Location Address", 20),
            _n4("Ambulance Pick-up Location City, State, ZIP Code", 30),
        ),
        loop(
            "2310F",
            "Ambulance Drop-off Location",
            250,
            "S",
            1,
            _nm1("45", "Ambulance Drop-off Location", "2", None),
            _n3("Ambulance Drop-off Location Address", 20),
            _n4("Ambulance Drop-off Location City, State, ZIP Code", 30),
        ),
        _other_subscriber(),
        _service_line(),
    )


def _other_payer_provider(loop_id: str, codes: str, name: str, repeat: int, refs: str) -> Loop:
    return loop(
        loop_id,
        name,
        325,
        "S",
        repeat,
        _nm1(codes, name, "1 2", None),
        _ref(refs, f"{name} Secondary Identification", 20, "R", 3),
    )


def _other_subscriber() -> Loop:
    return loop(
        "2320",
        "Other Subscriber Information",
        290,
        "S",
        10,
        seg(
            "SBR",
            "Other Subscriber Information",
            290,
            "R",
            elements=[
                el(
                    1,
                    "Payer Responsibility Sequence Number Code",
                    required=True,
                    codes=RESPONSIBILITY,
                ),
                el(2, "Individual Relationship Code", required=True, codes=OTHER_RELATIONSHIP),
                el(9, "Claim Filing Indicator Code", codes=FILING_INDICATORS),
            ],
        ),
        seg("CAS", "Claim Level Adjustments", 295, "S", 5),
        _amt("D", "Coordination of Benefits (COB) Payer Paid Amount", 300),
        _amt("A8", "Coordination of Benefits (COB) Total Non-Covered Amount", 300),
        _amt("EAF", "Remaining Patient Liability", 300),
        seg(
            "OI",
            "Other Insurance Coverage Information",
            310,
            "R",
            elements=[
                el(3, "Benefits Assignment Certification Indicator", required=True, codes="N W Y"),
                el(4, "Patient Signature Source Code", codes="P"),
                el(6, "Release of Information Code", required=True, codes="I Y"),
            ],
        ),
        seg("MOA", "Outpatient Adjudication Information", 320),
        loop(
            "2330A",
            "Other Subscriber Name",
            325,
            "R",
            1,
            _nm1("IL", "Other Subscriber Name", "1 2", "II MI"),
            _n3("Other Subscriber Address", 20, "S"),
            _n4("Other Subscriber City, State, ZIP Code", 30, "S"),
            _ref("SY", "Other Subscriber Secondary Identification", 40),
        ),
        loop(
            "2330B",
            "Other Payer Name",
            325,
            "R",
            1,
            _nm1("PR", "Other Payer Name", "2", "PI XV"),
            _n3("Other Payer Address", 20, "S"),
            _n4("Other Payer City, State, ZIP Code", 30, "S"),
            _dtp("573", "Claim Check or Remittance Date", 35),
            _ref("2U EI FY NF", "Other Payer Secondary Identifier", 40, max_use=2),
            _ref("G1", "Other Payer Prior Authorization Number", 40),
            _ref("9F", "Other Payer Referral Number", 40),
            _ref("T4", "Other Payer Claim Adjustment Indicator", 40),
            _ref("F8", "Other Payer Claim Control Number", 40),
        ),
        _other_payer_provider("2330C", "DN P3", "Other Payer Referring Provider", 2, "0B 1G G2"),
        _other_payer_provider("2330D", "82", "Other Payer Rendering Provider", 1, "0B 1G G2 LU"),
        _other_payer_provider(
            "2330E", "77", "Other Payer Service Facility Location", 1, "0B G2 LU"
        ),
        _other_payer_provider("2330F", "DQ", "Other Payer Supervising Provider", 1, "0B 1G G2 LU"),
        _other_payer_provider("2330G", "85", "Other Payer Billing Provider", 1, "G2 LU"),
    )


def _line_provider(
    loop_id: str, codes: str, name: str, repeat: int, refs: str, *, specialty: bool = False
) -> Loop:
    body: list[Seg] = [_nm1(codes, name, "1 2", "XX")]
    if specialty:
        body.append(seg("PRV", f"{name} Specialty Information", 15, q=(1, "PE")))
    body.append(_ref(refs, f"{name} Secondary Identification", 20, max_use=20))
    return loop(loop_id, name, 500, "S", repeat, *body)


def _service_line() -> Loop:
    return loop(
        "2400",
        "Service Line Number",
        365,
        "R",
        50,
        seg(
            "LX",
            "Service Line Number",
            365,
            "R",
            elements=[el(1, "Assigned Number", required=True, kind="int")],
        ),
        seg(
            "SV1",
            "Professional Service",
            370,
            "R",
            elements=[
                el(
                    1,
                    "Product/Service ID Qualifier",
                    component=1,
                    required=True,
                    codes="ER HC IV WK",
                ),
                el(1, "Procedure Code", component=2, required=True),
                el(2, "Line Item Charge Amount", required=True, kind="number"),
                el(3, "Unit or Basis for Measurement Code", required=True, codes="MJ UN"),
                el(4, "Service Unit Count", required=True, kind="number"),
                el(7, "Diagnosis Code Pointer", component=1, required=True),
                el(9, "Emergency Indicator", codes="Y"),
                el(11, "EPSDT Indicator", codes="Y"),
                el(12, "Family Planning Indicator", codes="Y"),
                el(15, "Copay Status Code", codes="0"),
            ],
        ),
        seg("SV5", "Durable Medical Equipment Service", 400),
        seg("PWK", "Line Supplemental Information", 420, "S", 11),
        seg("CR1", "Ambulance Transport Information", 425),
        seg("CR3", "Durable Medical Equipment Certification", 435),
        seg("CRC", "Ambulance Certification", 450, "S", 3, q=(1, "07")),
        seg("CRC", "Hospice Employee Indicator", 450, q=(1, "70")),
        seg("CRC", "Condition Indicator/Durable Medical Equipment", 450, q=(1, "09")),
        _dtp("472", "Date - Service Date", 455, "D8 RD8", "R"),
        _dtp("471", "Date - Prescription Date", 455),
        _dtp("607", "Date - Certification Revision/Recertification Date", 455),
        _dtp("463", "Date - Begin Therapy Date", 455),
        _dtp("461", "Date - Last Certification Date", 455),
        _dtp("304", "Date - Last Seen Date", 455),
        _dtp("738 739", "Date - Test Date", 455, max_use=2),
        _dtp("011", "Date - Shipped Date", 455),
        _dtp("455", "Date - Last X-ray Date", 455),
        _dtp("454", "Date - Initial Treatment Date", 455),
        seg("QTY", "Ambulance Patient Count", 460, q=(1, "PT")),
        seg("QTY", "Obstetric Anesthesia Additional Units", 460, q=(1, "FL")),
        seg("MEA", "Test Result", 462, "S", 5),
        seg("CN1", "Contract Information", 465),
        _ref("9B", "Repriced Line Item Reference Number", 470),
        _ref("9D", "Adjusted Repriced Line Item Reference Number", 470),
        _ref("G1", "Prior Authorization", 470, max_use=5),
        _ref("6R", "Line Item Control Number", 470),
        _ref("EW", "Mammography Certification Number", 470),
        _ref("X4", "CLIA Number", 470),
        _ref("F4", "Referring CLIA Facility Identification", 470),
        _ref("BT", "Immunization Batch Number", 470),
        _ref("9F", "Referral Number", 470, max_use=5),
        _amt("T", "Sales Tax Amount", 475),
        _amt("F4", "Postage Claimed Amount", 475),
        seg("K3", "File Information", 480, "S", 10),
        seg("NTE", "Line Note", 485, q=(1, "ADD DCP")),
        seg("NTE", "Third Party Organization Notes", 485, q=(1, "TPO")),
        seg("PS1", "Purchased Service Information", 488),
        seg("HCP", "Line Pricing/Repricing Information", 492),
        loop(
            "2410",
            "Drug Identification",
            494,
            "S",
            1,
            seg("LIN", "Drug Identification", 494, "R"),
            seg("CTP", "Drug Quantity", 495, "R"),
            _ref("VY XZ", "Prescription or Compound Drug Association Number", 496),
        ),
        _line_provider("2420A", "82", "Rendering Provider Name", 1, "0B 1G G2 LU", specialty=True),
        _line_provider("2420B", "QB", "Purchased Service Provider Name", 1, "0B 1G G2"),
        loop(
            "2420C",
            "Service Facility Location Name",
            500,
            "S",
            1,
            _nm1("77", "Service Facility Location Name", "2", "XX"),
            _n3("Service Facility Location Address", 20),
            _n4("Service Facility Location City, State, ZIP Code", 30),
            _ref("G2 LU", "Service Facility Location Secondary Identification", 40, max_use=3),
        ),
        _line_provider("2420D", "DQ", "Supervising Provider Name", 1, "0B 1G G2 LU"),
        loop(
            "2420E",
            "Ordering Provider Name",
            500,
            "S",
            1,
            _nm1("DK", "Ordering Provider Name", "1", "XX"),
            _n3("Ordering Provider Address", 20, "S"),
            _n4("Ordering Provider City, State, ZIP Code", 30, "S"),
            _ref("0B 1G G2", "Ordering Provider Secondary Identification", 40, max_use=20),
            _per("Ordering Provider Contact Information", 50),
        ),
        _line_provider("2420F", "DN P3", "Referring Provider Name", 2, "0B 1G G2"),
        _address_loop("2420G", "PW", "Ambulance Pick-up Location"),
        _address_loop("2420H", "45", "Ambulance Drop-off Location"),
        loop(
            "2430",
            "Line Adjudication Information",
            540,
            "S",
            15,
            seg("SVD", "Line Adjudication Information", 540, "R"),
            seg("CAS", "Line Adjustment", 545, "S", 5),
            _dtp("573", "Line Check or Remittance Date", 550, usage="R"),
            _amt("EAF", "Remaining Patient Liability", 551),
        ),
        loop(
            "2440",
            "Form Identification Code",
            552,
            "S",
            None,
            seg("LQ", "Form Identification Code", 552, "R"),
            seg("FRM", "Supporting Documentation", 553, "R", 99),
        ),
    )


def _subscriber_name() -> Loop:
    return loop(
        "2010BA",
        "Subscriber Name",
        115,
        "R",
        1,
        _nm1("IL", "Subscriber Name", "1 2", "II MI"),
        _n3("Subscriber Address", 20, "S"),
        _n4("Subscriber City, State, ZIP Code", 30, "S"),
        seg(
            "DMG",
            "Subscriber Demographic Information",
            40,
            elements=[
                el(1, "Date Time Period Format Qualifier", required=True, codes="D8"),
                el(2, "Birth Date", required=True, kind="d8"),
                el(3, "Gender Code", required=True, codes="F M U"),
            ],
        ),
        _ref("SY", "Subscriber Secondary Identification", 50),
        _ref("Y4", "Property and Casualty Claim Number", 50),
        _per("Property and Casualty Subscriber Contact Information", 60),
    )


def _patient() -> Loop:
    return loop(
        "2000C",
        "Patient Hierarchical Level",
        140,
        "S",
        None,
        seg("HL", "Patient Hierarchical Level", 140, "R", q=(3, "23")),
        seg(
            "PAT",
            "Patient Information",
            141,
            "R",
            elements=[
                el(1, "Individual Relationship Code", required=True, codes=PATIENT_RELATIONSHIP)
            ],
        ),
        loop(
            "2010CA",
            "Patient Name",
            142,
            "R",
            1,
            _nm1("QC", "Patient Name", "1", None),
            _n3("Patient Address", 20),
            _n4("Patient City, State, ZIP Code", 30),
            seg(
                "DMG",
                "Patient Demographic Information",
                40,
                "R",
                elements=[
                    el(1, "Date Time Period Format Qualifier", required=True, codes="D8"),
                    el(2, "Birth Date", required=True, kind="d8"),
                    el(3, "Gender Code", required=True, codes="F M U"),
                ],
            ),
            _ref("Y4", "Property and Casualty Claim Number", 50),
            _ref("1W SY", "Property and Casualty Patient Identifier", 50),
            _per("Property and Casualty Patient Contact Information", 60),
        ),
        _claim("R", 150),
    )


def _subscriber() -> Loop:
    return loop(
        "2000B",
        "Subscriber Hierarchical Level",
        110,
        "R",
        None,
        seg("HL", "Subscriber Hierarchical Level", 110, "R", q=(3, "22")),
        seg(
            "SBR",
            "Subscriber Information",
            111,
            "R",
            elements=[
                el(
                    1,
                    "Payer Responsibility Sequence Number Code",
                    required=True,
                    codes=RESPONSIBILITY,
                ),
                el(2, "Individual Relationship Code", codes="18"),
                el(9, "Claim Filing Indicator Code", codes=FILING_INDICATORS),
            ],
        ),
        seg("PAT", "Patient Information", 112),
        _subscriber_name(),
        loop(
            "2010BB",
            "Payer Name",
            120,
            "R",
            1,
            _nm1("PR", "Payer Name", "2", "PI XV"),
            _n3("Payer Address", 20, "S"),
            _n4("Payer City, State, ZIP Code", 30, "S"),
            _ref("2U EI FY NF", "Payer Secondary Identification", 40, max_use=3),
            _ref("G2 LU", "Billing Provider Secondary Identification", 40, max_use=2),
        ),
        _claim("S", 130),
        _patient(),
    )


def _billing_provider() -> Loop:
    return loop(
        "2000A",
        "Billing Provider Hierarchical Level",
        40,
        "R",
        None,
        seg("HL", "Billing Provider Hierarchical Level", 40, "R", q=(3, "20")),
        seg("PRV", "Billing Provider Specialty Information", 50, q=(1, "BI")),
        seg("CUR", "Foreign Currency Information", 55, q=(1, "85")),
        loop(
            "2010AA",
            "Billing Provider Name",
            60,
            "R",
            1,
            _nm1("85", "Billing Provider Name", "1 2", "XX"),
            _n3("Billing Provider Address", 20),
            _n4("Billing Provider City, State, ZIP Code", 30),
            _ref("EI SY", "Billing Provider Tax Identification", 40, "R"),
            _ref("0B 1G", "Billing Provider UPIN/License Information", 40, max_use=2),
            _per("Billing Provider Contact Information", 50, max_use=2),
        ),
        loop(
            "2010AB",
            "Pay-to Address Name",
            70,
            "S",
            1,
            _nm1("87", "Pay-to Address Name", "1 2", None),
            _n3("Pay-to Address - ADDRESS", 20),
            _n4("Pay-To Address City, State, ZIP Code", 30),
        ),
        loop(
            "2010AC",
            "Pay-To Plan Name",
            80,
            "S",
            1,
            _nm1("PE", "Pay-To Plan Name", "2", "PI XV"),
            _n3("Pay-to Plan Address", 20),
            _n4("Pay-To Plan City, State, ZIP Code", 30),
            _ref("2U FY NF", "Pay-to Plan Secondary Identification", 40),
            _ref("EI", "Pay-To Plan Tax Identification Number", 40, "R"),
        ),
        _subscriber(),
    )


LAYOUT_837P = loop(
    "837P",
    "837 Professional claim (005010X222A1)",
    1,
    "R",
    1,
    seg("ST", "Transaction Set Header", 1, "R", q=(1, "837")),
    seg(
        "BHT",
        "Beginning of Hierarchical Transaction",
        2,
        "R",
        elements=[
            el(1, "Hierarchical Structure Code", required=True, codes="0019", fatal=True),
            el(2, "Transaction Set Purpose Code", required=True, codes="00 18"),
            el(3, "Originator Application Transaction Identifier", required=True),
            el(4, "Transaction Set Creation Date", required=True, kind="d8"),
            el(5, "Transaction Set Creation Time", required=True),
            el(6, "Claim or Encounter Identifier", required=True, codes="CH RP"),
        ],
    ),
    loop(
        "1000A",
        "Submitter Name",
        3,
        "R",
        1,
        _nm1("41", "Submitter Name", "1 2", "46"),
        seg("PER", "Submitter EDI Contact Information", 20, "R", 2, q=(1, "IC")),
    ),
    loop("1000B", "Receiver Name", 4, "R", 1, _nm1("40", "Receiver Name", "2", "46")),
    _billing_provider(),
    seg("SE", "Transaction Set Trailer", 999, "R"),
)
