"""Rendering a view or the window to PNG, SVG or PDF."""
