"""The event store: conversations saved and loaded through eventsourcing on Postgres, the
JSON transcoding of events, connection strings and migrations."""
