"""The main window: views, actions, menus, settings, the loading worker and the export dialog."""
