"""Rasa custom actions for Baton; `rasa run actions --actions actions` loads every module here."""
