"""Agents, editors and admins: accounts, login sessions, and the agent console's socket session."""
