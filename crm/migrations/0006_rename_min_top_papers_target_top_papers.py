"""Opening.min_top_papers is a target the research factor saturates at, not a minimum: say so."""

from django.db import migrations, models

HELP = ('Top-tier papers (recency-weighted equivalents) at which research strength counts as strong for this '
        'opening; a target, not a minimum: nobody is excluded below it. 0: the default target.')


class Migration(migrations.Migration):

    dependencies = [
        ('crm', '0005_fxrate_from_compensation'),
    ]

    operations = [
        migrations.RenameField(model_name='opening', old_name='min_top_papers', new_name='target_top_papers'),
        migrations.RenameField(model_name='historicalopening', old_name='min_top_papers', new_name='target_top_papers'),
        migrations.AlterField(
            model_name='opening', name='target_top_papers',
            field=models.PositiveSmallIntegerField(default=0, help_text=HELP, verbose_name='target top-venue papers'),
        ),
        migrations.AlterField(
            model_name='historicalopening', name='target_top_papers',
            field=models.PositiveSmallIntegerField(default=0, help_text=HELP, verbose_name='target top-venue papers'),
        ),
    ]
