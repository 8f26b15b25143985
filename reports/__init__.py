"""Documents built from the record (Markdown case files and replay reports) for people to
read outside the service."""
