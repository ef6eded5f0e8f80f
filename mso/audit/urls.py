from django.urls import path

from . import views

# Both hosts: asking for, and ending, break-glass access.
emergency_patterns = [
    path("emergency/", views.emergency_access, name="emergency-access"),
    path("emergency/<int:pk>/end/", views.emergency_end, name="emergency-end"),
]

# The MSO portal: audit search and export, review of emergency access.
portal_patterns = [
    path("audit/", views.audit_list, name="audit-list"),
    path("audit/export.csv", views.audit_export, name="audit-export"),
    path("emergency/review/", views.emergency_review_list, name="emergency-review-list"),
    path("emergency/<int:pk>/review/", views.emergency_review, name="emergency-review"),
    *emergency_patterns,
]
