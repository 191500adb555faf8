class SyncError(Exception):
    """An illegal change of a sync event; the message names the problem."""


class IllegalTransition(SyncError):
    pass


class LeaseLost(SyncError):
    """Another worker took over the events (this worker's claim expired)."""


class ConfigError(Exception):
    """A configuration change the input or the change's state does not allow; the message names
    the field or the step and why."""


class ConfigNotFound(Exception):
    """No such entity, connection or change among the person's legal entities (a 404)."""
