"""Shopify: webhook signatures and payloads into canonical events (integrations/webhooks.py)."""
