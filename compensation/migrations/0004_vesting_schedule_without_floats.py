"""Store vesting schedules as ints and strings, never floats.

Until now ``offer_create`` accepted floats in a schedule (``[33.5, 33.5, 20, 13]``) and
stored them as JSON numbers, read back as floats. Valuation now refuses floats, so each
float becomes what the recruiter typed: a whole one an int (``25.0`` -> ``25``), any other
the string of its shortest repr (``33.5`` -> ``"33.5"``), as ``vesting_schedule_parse``
stores new schedules. Reverse: nothing to undo (ints and strings read back the same).
"""

from django.db import migrations

#: Offers read and written per batch; a schedule is a few bytes, so 500 rows is one small query each way.
BATCH_SIZE = 500


def _without_floats(schedule):
    return [(int(v) if v.is_integer() else repr(v)) if isinstance(v, float) else v for v in schedule]


def schedules_without_floats(apps, schema_editor):
    Offer = apps.get_model("compensation", "Offer")
    last_pk = 0
    while True:
        batch = list(Offer.objects.filter(pk__gt=last_pk).order_by("pk").only("pk", "vesting_schedule")[:BATCH_SIZE])
        if not batch:
            return
        changed = []
        for offer in batch:
            if isinstance(offer.vesting_schedule, list) and any(isinstance(v, float) for v in offer.vesting_schedule):
                offer.vesting_schedule = _without_floats(offer.vesting_schedule)
                changed.append(offer)
        Offer.objects.bulk_update(changed, ["vesting_schedule"])
        last_pk = batch[-1].pk


class Migration(migrations.Migration):

    dependencies = [
        ("compensation", "0003_add_fxrate"),
    ]

    operations = [
        migrations.RunPython(schedules_without_floats, migrations.RunPython.noop),
    ]
