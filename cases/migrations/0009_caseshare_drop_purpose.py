"""Case shares no longer name why they exist: the higher app holds the key to its share."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0008_caseshare_facets'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='caseshare',
            name='purpose',
        ),
        migrations.RemoveField(
            model_name='caseshare',
            name='source_ref',
        ),
        migrations.RemoveField(
            model_name='caseshare',
            name='victim_consented',
        ),
    ]
