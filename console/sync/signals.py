"""What the sync pipeline tells other apps, inside the transaction of the change.

The exception workbench listens (console/casework) so that sync never imports it.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent by events_transition with events=[SyncEvent, ...] (their new state set) and actor=Actor.
events_transitioned = Signal()
