print("paxos-sim: not built yet")
