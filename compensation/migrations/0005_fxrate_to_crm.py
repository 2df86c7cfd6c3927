"""FxRate now belongs to crm (see crm 0005): forget it here without touching the table."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('compensation', '0004_vesting_schedule_without_floats'),
        ('crm', '0005_fxrate_from_compensation'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='FxRate')],
            database_operations=[],
        ),
    ]
