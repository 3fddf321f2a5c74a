// Chaos: runs real paxosd processes under a workload and a nemesis, records
// the history and checks it for linearizability (issue 5).
