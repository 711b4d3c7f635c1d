"""Schema files -> compiled, served schemas: parsing and checks, code generation and its safety allow-list, the
signed cache, cold-start batching, and the registry of what is served."""
