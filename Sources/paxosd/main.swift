print("paxosd: not built yet")
