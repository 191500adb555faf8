class SyncError(Exception):
    """An illegal change of a sync event; the message names the problem."""


class IllegalTransition(SyncError):
    pass


class LeaseLost(SyncError):
    """Another worker took over the events (this worker's claim expired)."""
