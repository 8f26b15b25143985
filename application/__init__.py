"""The application service: how a command becomes a recorded turn (validate, assess, decide,
write, save), through the domain's ports."""
