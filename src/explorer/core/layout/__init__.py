"""Layouts computed without Qt: graph, timeline lanes and labels, text offset maps."""
