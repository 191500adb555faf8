# Celery finds an app's tasks in tasks.py: each part of reconciliation keeps its own module.
from console.reconciliation.tasks_matching import match_all, match_entity

__all__ = ["match_all", "match_entity"]
