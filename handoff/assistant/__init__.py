"""The bot's side of a conversation: messages to Rasa, its turn back, the knowledge answers."""
