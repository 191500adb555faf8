"""What the sync pipeline tells other apps, inside the transaction of the change.

The exception workbench listens (console/casework) so that sync never imports it.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent by events_transition with events=[SyncEvent, ...] (their new state set), actor=Actor and
# caused={event id: (cause, reason)} for the transitions another record caused (a mapping change).
events_transitioned = Signal()

# Sent by events_ingest with attempts=[DuplicateAttempt, ...]: the same key sent again
# with a different payload (the first version is kept), and actor=Actor.
duplicates_conflicted = Signal()

# Sent by events_changed_report with events=[SyncEvent, ...] (posted ones), actor=Actor and
# note=what the source reported: the source changed them after they posted (an order edited
# after it was invoiced). Nothing posts again; casework opens a case for a person to compare.
events_changed_at_source = Signal()

# Sent by event_flag with event=SyncEvent, actor=Actor, reason_code and message: another app
# judged the event worth a second look (a pay run far from its trailing average). It posts as
# usual; casework opens a case that posting does not close.
event_flagged = Signal()

# Sent by events_archive with event_ids=[...] (posted events it is about to archive), before it
# takes them: each receiver returns the set of those ids it still needs whole (casework: an
# event with a case not closed yet). They are left for a later run.
events_archive_vetoed = Signal()
