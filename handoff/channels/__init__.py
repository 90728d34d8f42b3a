"""The sockets people chat through: the customer's widget and the agent's console."""
