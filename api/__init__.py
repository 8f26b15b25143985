"""The HTTP surfaces: REST, GraphQL and the audit pages, with their auth and errors."""
