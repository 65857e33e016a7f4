"""Alerting: run failures and failed or warning gates, sent to Discord and JSON webhooks."""
