"""GraphQL at /graphql: reads from the projections only; mutations use the REST service."""
