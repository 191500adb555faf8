from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Abs

from console.casework.taxonomy import SEVERITY_ORDER, Category, Severity
from console.sync.models import Flow, LegalEntity, SyncEvent


class CaseState(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    WAITING_APPROVAL = "waiting_approval", "Waiting for approval"
    RESOLVED = "resolved", "Resolved"
    DISMISSED = "dismissed", "Dismissed"


OPEN_STATES = (CaseState.OPEN, CaseState.IN_PROGRESS, CaseState.WAITING_APPROVAL)
OPEN_Q = Q(state__in=["open", "in_progress", "waiting_approval"])


def severity_rank() -> Case:
    """Low 0 ... critical 3: the case list's severity order, and the index that serves it
    (the two must stay the same expression for the index to be used)."""
    return Case(
        *[When(severity=severity.value, then=Value(i)) for i, severity in enumerate(SEVERITY_ORDER)],
        default=Value(-1),
        output_field=models.IntegerField(),
    )


class ExceptionCase(models.Model):
    """A problem with one event that a person must work to a close. One open case
    per event: a failure while it is open adds to its history instead.

    A difference found by reconciliation may concern no event of ours (a record in Odoo no
    event explains, a source's total for a day): such a case has no event and says what it
    is about in `subject`; what needs an event (retry, resubmit, mark duplicate) is never
    offered on it."""

    event = models.ForeignKey(SyncEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="cases")
    subject = models.CharField(max_length=300, blank=True, default="", db_default="")
    entity = models.ForeignKey(LegalEntity, on_delete=models.PROTECT, related_name="+")
    flow = models.ForeignKey(Flow, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=32, choices=Category.choices)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    state = models.CharField(max_length=20, choices=CaseState.choices, default=CaseState.OPEN)
    reason_code = models.CharField(max_length=64, blank=True, default="")
    summary = models.TextField(blank=True, default="", help_text="The last failure, in the pipeline's words.")
    next_action = models.TextField(blank=True, default="")
    # Signed, as the document posts it (a credit note is negative); what will post after an
    # approved override. Money at stake, sorting and sums use `exposure`, never a signed net.
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    exposure = models.GeneratedField(
        expression=Abs("amount"),
        output_field=models.DecimalField(max_digits=18, decimal_places=2),
        db_persist=True,
    )
    currency = models.CharField(max_length=3)
    owner_team = models.CharField(max_length=64)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField()
    sla_due_at = models.DateTimeField()
    escalated_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=200, blank=True, default="")
    failure_count = models.PositiveIntegerField(default=1)
    last_failure_at = models.DateTimeField()
    duplicate_of = models.ForeignKey(SyncEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # What the one fix behind this case would change (casework/causes.py): cases sharing it are
    # one cause, fixed once and retried together.
    cause_key = models.CharField(max_length=300, blank=True, default="")
    cause_label = models.CharField(max_length=300, blank=True, default="")
    # Partner and reference of the document (causes.business_key): the same document posting
    # later under another key resolves this case.
    business_key = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event"],
                condition=OPEN_Q,
                name="case_one_open_per_event",
            ),
            # A case is about an event, or says what it is about.
            models.CheckConstraint(condition=Q(event__isnull=False) | ~Q(subject=""), name="case_event_or_subject"),
        ]
        indexes = [
            # With the currency and exposure after the keys, a list's totals (count and gross money
            # per currency) and the dashboard's recent cases are read from the index alone.
            models.Index(
                fields=["entity", "state", "opened_at", "currency", "exposure"], name="case_entity_state_opened"
            ),
            models.Index(fields=["state", "category"], name="case_state_category"),
            # "My cases" counted, with their money, from the index alone.
            models.Index(fields=["assignee", "state", "entity", "currency", "exposure"], name="case_assignee_state"),
            # The case list's orders over open cases (filters.ORDERINGS). Each is followed by the
            # columns the list filters on most, so a filter is checked in the index instead of
            # fetching every case the scan passes: a narrow filter far down the order (the oldest
            # cases by SLA) would otherwise read most of the table to fill a page.
            models.Index(
                fields=["sla_due_at", "id", "entity", "category", "severity", "opened_at", "exposure"],
                condition=OPEN_Q,
                name="case_open_due",
            ),
            models.Index(
                fields=["opened_at", "id", "entity", "category", "severity", "exposure", "currency"],
                condition=OPEN_Q,
                name="case_open_opened",
            ),
            models.Index(
                fields=["exposure", "id", "entity", "category", "severity", "opened_at"],
                condition=OPEN_Q,
                name="case_open_exposure",
            ),
            models.Index(
                severity_rank().desc(),
                F("sla_due_at"),
                F("id"),
                F("entity"),
                condition=OPEN_Q,
                name="case_open_severity",
            ),
            # The causes view: open cases grouped by cause, counted with their money and oldest age
            # from the index alone.
            models.Index(
                fields=["cause_key", "cause_label", "entity", "currency", "exposure", "opened_at"],
                condition=OPEN_Q,
                name="case_open_cause",
            ),
            models.Index(
                fields=["business_key"], condition=OPEN_Q & ~Q(business_key=""), name="case_open_business_key"
            ),
            # The list of every case, closed ones too (state=all), in its default order.
            models.Index(fields=["sla_due_at", "id", "entity"], name="case_due"),
            # Cases opened per day, closed ones too (the dashboard's trend of the current days).
            models.Index(fields=["opened_at", "entity"], name="case_opened"),
        ]

    def __str__(self) -> str:
        about = f"event {self.event_id}" if self.event_id is not None else self.subject
        return f"case {self.pk} ({self.get_category_display()}) on {about}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def the_event(self) -> SyncEvent:
        """The case's event, where only a case about an event can be (it posted, it failed, it is a
        receipt or an invoice): a case about no event there is a bug, said so."""
        if self.event is None:
            raise ValueError(f"case {self.pk} is about no event ({self.subject})")
        return self.event


class ActivityKind(models.TextChoices):
    OPENED = "opened", "Opened"
    FAILED_AGAIN = "failed_again", "Failed again"
    CLAIMED = "claimed", "Claimed"
    ASSIGNED = "assigned", "Assigned"
    COMMENTED = "commented", "Comment"
    RETRIED = "retried", "Retried"
    RESUBMITTED = "resubmitted", "Edited and resubmitted"
    APPROVAL_REQUESTED = "approval_requested", "Approval requested"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    MARKED_DUPLICATE = "marked_duplicate", "Marked as duplicate"
    DISMISSED = "dismissed", "Dismissed"
    RESOLVED = "resolved", "Resolved"
    ESCALATED = "escalated", "Escalated (past its SLA)"
    MATCH_REQUESTED = "match_requested", "Match with an invoice requested"
    MATCHED = "matched", "Matched with its invoice in Odoo"
    MATCH_NOT_MADE = "match_not_made", "Match not made"
    RECONCILED_AGAIN = "reconciled_again", "Found again by reconciliation"


class CaseActivity(models.Model):
    """The case's own timeline: what happened and who did it, in order."""

    case = models.ForeignKey(ExceptionCase, on_delete=models.PROTECT, related_name="activities")
    at = models.DateTimeField()
    kind = models.CharField(max_length=32, choices=ActivityKind.choices)
    actor_label = models.CharField(max_length=200)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(blank=True, default="")
    data = models.JSONField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["case", "at"], name="caseactivity_case_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.actor_label}"


class ApprovalKind(models.TextChoices):
    """Every way of ending a material case without posting it, or of changing what it posts."""

    DISMISS = "dismiss", "Dismiss"
    OVERRIDE = "override", "Override and resubmit"
    MARK_DUPLICATE = "mark_duplicate", "Mark as duplicate"
    POST_ANYWAY = "post_anyway", "Post a suspected duplicate anyway"
    CREDIT_NOTE = "credit_note", "Turn into a credit note"


class ApprovalState(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class CaseApproval(models.Model):
    """A material decision on a case, waiting for a controller who did not ask for it."""

    case = models.ForeignKey(ExceptionCase, on_delete=models.PROTECT, related_name="approvals")
    kind = models.CharField(max_length=16, choices=ApprovalKind.choices)
    why = models.TextField(blank=True, default="", help_text="Why it needs a controller, in words.")
    duplicate_of = models.ForeignKey(
        SyncEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+", help_text="Mark as duplicate of."
    )
    state = models.CharField(max_length=16, choices=ApprovalState.choices, default=ApprovalState.PENDING)
    changes = models.JSONField(null=True, blank=True, help_text="The override asked for (field path -> value).")
    diff = models.JSONField(null=True, blank=True)
    amount = models.DecimalField(max_digits=18, decimal_places=2, help_text="What would post (signed).")
    reason = models.TextField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True, default="")

    class Meta:
        constraints = [
            # Segregation of duties, held by the database as well as the service.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                name="caseapproval_not_own",
            ),
            models.UniqueConstraint(fields=["case"], condition=Q(state="pending"), name="caseapproval_one_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of case {self.case_id}: {self.get_state_display()}"


class MatchState(models.TextChoices):
    REQUESTED = "requested", "Requested"
    RUNNING = "running", "Matching in Odoo"
    MATCHED = "matched", "Matched"
    REFUSED = "refused", "Refused"
    FAILED = "failed", "Odoo could not be reached"


MATCH_IN_FLIGHT = (MatchState.REQUESTED, MatchState.RUNNING)


class ReceiptMatch(models.Model):
    """An operator's request to apply an unmatched receipt to the invoice it pays, in Odoo.
    Recorded first (with its audit row), carried out by a worker outside any transaction that
    could roll back, its outcome recorded after: the Odoo call is never made twice for one
    request (a claim with a lease), and a second call finds the first's work done in Odoo."""

    case = models.ForeignKey(ExceptionCase, on_delete=models.PROTECT, related_name="matches")
    invoice_ref = models.CharField(max_length=200, help_text="The invoice as the operator named it.")
    # When the operator named an invoice event of the entity: the event, and its Odoo move.
    invoice_event = models.ForeignKey(SyncEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    odoo_invoice_id = models.PositiveIntegerField(null=True, blank=True)
    odoo_invoice_name = models.CharField(max_length=100, blank=True, default="")
    state = models.CharField(max_length=16, choices=MatchState.choices, default=MatchState.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    claim_id = models.UUIDField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    # Odoo did not answer: when the sweeper sends it again.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    reason_code = models.CharField(max_length=64, blank=True, default="")
    message = models.TextField(blank=True, default="", help_text="What Odoo's answer means, in finance's words.")
    # Read back from Odoo once matched, in the payment's currency.
    amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    invoice_residual = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    invoice_payment_state = models.CharField(max_length=16, blank=True, default="")
    payment_rest = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(state__in=["requested", "running"]),
                name="receiptmatch_one_in_flight",
            ),
        ]

    def __str__(self) -> str:
        return f"match of case {self.case_id} with {self.invoice_ref}: {self.get_state_display()}"

    @property
    def in_flight(self) -> bool:
        return self.state in MATCH_IN_FLIGHT


class BulkAction(models.TextChoices):
    RETRY = "retry", "Retry now"
    DISMISS = "dismiss", "Dismiss"
    ASSIGN = "assign", "Assign"


class BulkState(models.TextChoices):
    PREVIEWED = "previewed", "Dry run"
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class BulkRun(models.Model):
    """One action over every case a filter selects: previewed first (count and money),
    then run in the background case by case, through the same services as one case."""

    action = models.CharField(max_length=16, choices=BulkAction.choices)
    state = models.CharField(max_length=16, choices=BulkState.choices, default=BulkState.PREVIEWED)
    filter_query = models.TextField(blank=True, default="", help_text="The list's filter, as in its URL.")
    case_ids = models.JSONField(default=list, help_text="The cases selected when the run was confirmed.")
    reason = models.TextField(blank=True, default="")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    request_ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    total = models.PositiveIntegerField(default=0)
    money = models.JSONField(default=dict, help_text="Amount at stake per currency, as decimal strings.")
    processed = models.PositiveIntegerField(default=0)
    succeeded = models.PositiveIntegerField(default=0)
    waiting_approval = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, help_text="The first problems met: case id and message.")

    def __str__(self) -> str:
        return f"bulk {self.get_action_display().lower()} of {self.total} case(s): {self.get_state_display()}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, self.processed * 100 // self.total)


class DayTally(models.Model):
    """Events posted and cases opened in one legal entity on one UTC day that is over, for
    the dashboard's trends (casework.dashboard.daily_trend). A closed day cannot change:
    posted_at and opened_at are stamped once, with the time of the change, and neither an
    event nor a case is ever deleted. Written the first time a trend covers the day."""

    entity = models.ForeignKey(LegalEntity, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    posted = models.PositiveIntegerField()
    opened = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entity", "day"], name="daytally_entity_day")]

    def __str__(self) -> str:
        return f"{self.day} entity {self.entity_id}: {self.posted} posted, {self.opened} cases opened"


class OpenCaseTally(models.Model):
    """Open cases counted by the database itself. Triggers on ExceptionCase
    (casework/tally_triggers.py) add a row of +1 and the case's exposure (its absolute amount)
    when a case opens or joins a group, and one of -1 and minus it when it leaves the group (it
    closes, or its entity, flow, category, severity, open state, currency or amount changes), in the
    transaction that changes the case. Summed per group these rows are the open cases and
    their money; the beat folds them into one row per group (services/tallies.py).

    The dashboard's age buckets and the case list's counts read this instead of counting
    and summing ~100,000 open cases on every view. Nothing else writes it."""

    entity = models.ForeignKey(LegalEntity, on_delete=models.PROTECT, related_name="+")
    flow = models.ForeignKey(Flow, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=32)
    severity = models.CharField(max_length=10)
    state = models.CharField(max_length=20)
    currency = models.CharField(max_length=3)
    cases = models.IntegerField()
    # Gross: the sum of the cases' absolute amounts, so credit notes never cancel invoices.
    amount = models.DecimalField(max_digits=22, decimal_places=2)

    def __str__(self) -> str:
        return f"{self.cases:+d} {self.state} {self.category} cases, {self.amount} {self.currency}"


class OpenCauseTally(models.Model):
    """Open cases counted per cause by the database itself, as OpenCaseTally counts them per
    group (tally_triggers.CAUSE_TALLY): a row of +1 and the case's exposure when a case opens
    or joins a cause, one of -1 and minus it when it leaves; folded by the beat. The causes view
    and the dashboard's top causes read it instead of grouping every open case on each view."""

    cause_key = models.CharField(max_length=300)
    cause_label = models.CharField(max_length=300)
    entity = models.ForeignKey(LegalEntity, on_delete=models.PROTECT, related_name="+")
    currency = models.CharField(max_length=3)
    cases = models.IntegerField()
    amount = models.DecimalField(max_digits=22, decimal_places=2)

    class Meta:
        indexes = [models.Index(fields=["entity", "cause_key"], name="opencausetally_entity_cause")]

    def __str__(self) -> str:
        return f"{self.cases:+d} cases of {self.cause_key}, {self.amount} {self.currency}"


class SavedView(models.Model):
    """A person's named filter of the case list: the list's query string, nothing more. Sharing
    it is sharing that query: whoever opens it sees the cases of their own entities it selects.
    At most one per person is their default, applied when they open the list with no filter."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views")
    name = models.CharField(max_length=100)
    query = models.TextField(blank=True, default="", help_text="The case list's filter, as in its URL.")
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="savedview_owner_name"),
            models.UniqueConstraint(fields=["owner"], condition=Q(is_default=True), name="savedview_one_default"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.owner_id})"
