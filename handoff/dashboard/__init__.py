"""The supervisors' dashboard: figures rolled up in Redis as events happen, read per period."""
