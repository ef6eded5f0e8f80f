from django.db import migrations


def seed(apps, schema_editor):
    """The conservative default table from contracts/state_rules.py (not legal advice)."""
    from contracts.state_rules import STATE_FEE_RULES

    StateFeeRule = apps.get_model("contracts", "StateFeeRule")
    for state, status in STATE_FEE_RULES.items():
        StateFeeRule.objects.get_or_create(
            state=state, defaults={"status": status,
                                   "note": "Conservative default; review with counsel."})


class Migration(migrations.Migration):
    dependencies = [("contracts", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
