"""Who may call the gateway, and how much: API keys, limits and budgets, usage per key."""
