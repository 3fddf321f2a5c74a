// Placeholder: the linearizability checker lands in its own change.
