# CMS Place of Service codes a physician practice location commonly uses.
PLACE_OF_SERVICE = [
    ("02", "02 Telehealth (not in patient's home)"),
    ("10", "10 Telehealth in patient's home"),
    ("11", "11 Office"),
    ("12", "12 Home"),
    ("19", "19 Off-campus outpatient hospital"),
    ("20", "20 Urgent care facility"),
    ("21", "21 Inpatient hospital"),
    ("22", "22 On-campus outpatient hospital"),
    ("23", "23 Emergency room (hospital)"),
    ("24", "24 Ambulatory surgical center"),
    ("31", "31 Skilled nursing facility"),
    ("32", "32 Nursing facility"),
    ("49", "49 Independent clinic"),
    ("50", "50 Federally qualified health center"),
    ("71", "71 Public health clinic"),
    ("72", "72 Rural health clinic"),
    ("81", "81 Independent laboratory"),
]

SEX_CHOICES = [("F", "Female"), ("M", "Male"), ("U", "Unknown")]

# Patient's relationship to the subscriber (X12 individual relationship codes).
RELATIONSHIP_CHOICES = [
    ("18", "Self"),
    ("01", "Spouse"),
    ("19", "Child"),
    ("20", "Employee"),
    ("21", "Unknown"),
    ("53", "Life partner"),
    ("G8", "Other relationship"),
]
SELF = "18"

COVERAGE_PRIORITY = [(1, "Primary"), (2, "Secondary"), (3, "Tertiary")]
PRIORITY_CODE = {1: "P", 2: "S", 3: "T"}

ENROLLMENT_STATUS = [("pending", "Pending"), ("active", "Active"), ("terminated", "Terminated")]
