from django.db import models


class Department(models.TextChoices):
    FRONT_DESK = "front_desk", "Front desk and scheduling"
    CLINICAL_SUPPORT = "clinical_support", "Clinical support (MA, nursing)"
    BILLING = "billing", "Billing and coding"
    ADMINISTRATION = "administration", "Administration"
    IT = "it", "IT and facilities"


class EmploymentType(models.TextChoices):
    FULL_TIME = "full_time", "Full time"
    PART_TIME = "part_time", "Part time"
    CONTRACTOR = "contractor", "Contractor (1099)"
