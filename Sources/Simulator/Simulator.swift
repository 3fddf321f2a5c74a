// Placeholder: Simulator lands in its own change.
