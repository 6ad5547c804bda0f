"""Every user intent as a command object with an exact undo."""
