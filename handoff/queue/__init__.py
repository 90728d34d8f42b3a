"""Routing to people: the agent queue, its sweeper (grace, SLA, auto-assign), hours, events."""
