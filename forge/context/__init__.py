"""The context engine: a tree-sitter index of the repository, a ranked map, and the context one task needs."""
