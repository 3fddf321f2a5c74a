// Placeholder: Wire lands in its own change.
