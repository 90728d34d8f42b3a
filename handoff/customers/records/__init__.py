"""Company records (transfers, verification cases) behind one interface: a demo backend in
Redis and an HTTP backend for the company's API; the desk shows them to their own customer only."""
