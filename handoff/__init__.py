"""Baton's hub: owns every conversation, its transcript and state, and the channels to customers."""
