"""The `baton` command, and the processes of the stack it starts."""
