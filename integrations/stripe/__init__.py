"""Stripe: webhook signatures and events into canonical events (integrations/webhooks.py)."""
