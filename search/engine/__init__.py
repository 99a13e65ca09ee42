"""The engine: answers a SearchRequest with a ResultPage over the live index generation."""
