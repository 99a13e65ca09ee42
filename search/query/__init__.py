"""What users type, made into what the engine searches: the request, date bounds, query parsing, expansion, synonyms, explanation."""
