import Chaos
print("paxos-chaos: not built yet")
