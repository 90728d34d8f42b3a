"""The dialogue (YAML files) and the one channel the hub speaks to Rasa through."""
