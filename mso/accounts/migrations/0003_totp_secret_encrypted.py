# TOTP secrets move from plain text to the field key ring (mso/crypto).

from django.db import migrations

import mso.crypto.fields


def encrypt_existing(apps, schema_editor):
    """Secrets written before this migration are plain base32; encrypt them in place."""
    from mso.crypto.keys import PREFIX, key_ring

    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id, secret FROM accounts_totpdevice")
        rows = [(pk, s) for pk, s in cursor.fetchall() if s and not s.startswith(PREFIX)]
        for pk, secret in rows:
            cursor.execute(
                "UPDATE accounts_totpdevice SET secret = %s WHERE id = %s",
                [key_ring().encrypt(secret), pk],
            )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_usersession_recoverycode_totpdevice"),
    ]

    operations = [
        migrations.AlterField(
            model_name="totpdevice",
            name="secret",
            field=mso.crypto.fields.EncryptedTextField(
                blank=True, default="", verbose_name="TOTP secret"
            ),
        ),
        migrations.RunPython(encrypt_existing, migrations.RunPython.noop),
    ]
