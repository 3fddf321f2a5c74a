// Placeholder: KVStore lands in its own change.
