"""Research tools over a result set: keyword in context, timelines."""
