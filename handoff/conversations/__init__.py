"""Conversations: their typed header, state machine and transcript in Redis; what the hub says."""
