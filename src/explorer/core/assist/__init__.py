"""The reading assistant: candidate dated events, voices and actors found in a document's text.

Qt-free and offline. ``dates`` finds date expressions, ``names`` person names with their native script,
``voices`` the people quoted or paraphrased, ``actors`` countries, organisations, projects, agreements and
places, and ``candidates`` puts them together against a corpus (matching existing items). Nothing here is
imported at start-up: the window imports it when the analyst asks for candidates.
"""
