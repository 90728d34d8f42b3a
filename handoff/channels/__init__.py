"""The channels customers reach Baton through."""
