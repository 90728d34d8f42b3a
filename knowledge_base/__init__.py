"""The self-service knowledge base: articles, their store, hybrid search and the editor."""
