// Placeholder: Storage lands in its own change.
