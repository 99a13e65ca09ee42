"""The blueprints, one module per feature: search page, items, JSON API, exports and feed."""
