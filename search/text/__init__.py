"""How text becomes index terms: the analyzers, the word-by-word analysis of the build, the schema."""
