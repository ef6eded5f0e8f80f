from django.db import migrations

# X12 control numbers come from database sequences: one set per practice schema, so numbers
# are unique per practice and never handed out twice, even by concurrent batch jobs.
FORWARD = """
CREATE SEQUENCE billing_interchange_control_seq MINVALUE 1 MAXVALUE 999999999 CYCLE;
CREATE SEQUENCE billing_group_control_seq MINVALUE 1 MAXVALUE 999999999 CYCLE;
"""
BACKWARD = """
DROP SEQUENCE IF EXISTS billing_interchange_control_seq;
DROP SEQUENCE IF EXISTS billing_group_control_seq;
"""


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]
    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
