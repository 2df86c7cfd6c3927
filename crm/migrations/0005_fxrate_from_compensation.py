"""FxRate moves from compensation to crm (state only: the table keeps its name and rows).

crm.fx is the one home of currency conversion and crm is the lowest app that converts
money (scoring), so the model it reads lives here. The table ``compensation_fxrate`` was
created by compensation's 0003; nothing in the database changes.
"""

from decimal import Decimal

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('crm', '0004_opening_history'),
        ('compensation', '0004_vesting_schedule_without_floats'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='FxRate',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('rate_on', models.DateField(verbose_name='fixing date')),
                        ('currency', models.CharField(max_length=3, verbose_name='currency')),
                        ('rate_per_eur', models.DecimalField(decimal_places=10, max_digits=20, verbose_name='units per euro')),
                        ('source', models.CharField(default='ECB', max_length=40, verbose_name='source')),
                    ],
                    options={
                        'verbose_name': 'exchange rate',
                        'verbose_name_plural': 'exchange rates',
                        'db_table': 'compensation_fxrate',
                        'ordering': ['-rate_on', 'currency'],
                        'indexes': [models.Index(fields=['currency', '-rate_on'], name='fxrate_currency_date_idx')],
                        'constraints': [
                            models.UniqueConstraint(fields=('source', 'currency', 'rate_on'), name='fxrate_unique_fixing'),
                            models.CheckConstraint(condition=models.Q(('rate_per_eur__gt', Decimal('0'))), name='fxrate_positive'),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
