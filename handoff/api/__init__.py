"""Every router of the hub: pages, login, widget and console sockets, editor, help, internal."""
