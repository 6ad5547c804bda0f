"""One module per view. Each view renders the shared AppState and turns user gestures into state changes;
a view never calls another view."""
