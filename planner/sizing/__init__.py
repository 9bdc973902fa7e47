"""Pure sizing functions, vectorised over scenarios (numpy arrays, one element per workload)."""
