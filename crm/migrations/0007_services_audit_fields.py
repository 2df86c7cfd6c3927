"""Audit fields of the crm services: who completed a follow-up, who recorded a placement, an
off-limits override reason, the creation row of a candidacy's history; Placement.year1_cash."""

import django.db.models.deletion
import djmoney.models.fields
import djmoney.models.validators
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('crm', '0006_rename_min_top_papers_target_top_papers'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='activity',
            name='completed_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='completed by'),
        ),
        migrations.AddField(
            model_name='candidacy',
            name='off_limits_override_reason',
            field=models.CharField(blank=True, help_text='Why an off-limits candidate was added anyway (given when the candidacy was created).', max_length=300, verbose_name='off-limits override'),
        ),
        migrations.AddField(
            model_name='placement',
            name='created_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by'),
        ),
        migrations.AlterField(
            model_name='placement',
            name='fee',
            field=djmoney.models.fields.MoneyField(decimal_places=2, default_currency=None, help_text="The opening's fee % of year-1 cash, in the same currency.", max_digits=14, validators=[djmoney.models.validators.MinMoneyValidator(0)], verbose_name='fee'),
        ),
        migrations.RemoveConstraint(model_name='placement', name='placement_cash_non_negative'),
        # One name for the fee's basis in crm and compensation (valuation.year1_cash).
        migrations.RenameField(model_name='placement', old_name='first_year_cash', new_name='year1_cash'),
        migrations.RenameField(model_name='placement', old_name='first_year_cash_currency',
                               new_name='year1_cash_currency'),
        migrations.AddConstraint(
            model_name='placement',
            constraint=models.CheckConstraint(condition=models.Q(('year1_cash__gte', 0)), name='placement_cash_non_negative'),
        ),
        migrations.AlterField(
            model_name='placement',
            name='year1_cash',
            field=djmoney.models.fields.MoneyField(decimal_places=2, default_currency=None, help_text="The accepted offer's year-1 cash (base, target bonus, sign-on and relocation): the fee's basis.", max_digits=14, validators=[djmoney.models.validators.MinMoneyValidator(0)], verbose_name='year-1 cash'),
        ),
        migrations.AlterField(
            model_name='stagechange',
            name='from_stage',
            field=models.CharField(blank=True, choices=[('sourced', 'Sourced'), ('contacted', 'Contacted'), ('screening', 'Screening'), ('submitted', 'Submitted to client'), ('interviewing', 'Interviewing'), ('offer', 'Offer'), ('placed', 'Placed'), ('rejected', 'Rejected by client'), ('withdrawn', 'Withdrawn by candidate')], help_text='Empty on the first row: the candidacy was created.', max_length=20, verbose_name='from'),
        ),
    ]
