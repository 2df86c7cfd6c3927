"""The weekly pipeline report: every Monday morning, each manager's numbers by e-mail.

* :mod:`.weeks`: ISO weeks in ``settings.TIME_ZONE`` (the boundaries of every figure);
* :mod:`.team`: whose openings a manager's report covers;
* :mod:`.selectors`: the figures, in SQL, reproducible from history;
* :mod:`.hooks`: the offer figures, supplied by the compensation app;
* :mod:`.render` and :mod:`.charts`: HTML, text, CSV and PNG charts in the manager's language;
* :mod:`.delivery`: sending each (manager, week) once; files for the command;
* :mod:`.admin`: past reports per manager, "send again"; staff profiles (team, language).

Entry points: ``crm.tasks.weekly_reports_send_all_task`` (beat, Monday 08:00 local time),
``manage.py weekly_report``, the admin's *Weekly reports*. Settings: ``CRM_REPORT_*``
in :mod:`crm.conf`.
"""
