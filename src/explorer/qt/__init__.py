"""The Qt side: views, window and export. Reads from explorer.core and sends user intent to it."""
