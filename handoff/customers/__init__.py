"""Who a customer is, and what they leave for later: identity, tokens, follow-ups, email."""
