let usage = """
usage: storage-bench [--dir DIR] [--runs N] [--seconds S]
       storage-bench --rotation [--dir DIR] [--runs N]
       storage-bench --large [--dir DIR]
       storage-bench --help

Default mode: measures durable appends per second with 1, 16 and 64
concurrent appenders (simulated clients on one event-loop thread; each
waits for its record to be durable before appending the next) and this
disk's own latency for one small write + fdatasync, measured in the same
run two ways in alternation: appending to a file (the sync commits the
new size) and overwriting a preallocated one (as the WAL's segments are). Runs each
case N times (default 3) for S seconds (default 2) and prints the medians
and the 64/1 ratio.

--rotation: 64 appenders of 100-byte records for 4 s (several rotations
  of 16 MiB segments): appends/s and append-to-durable latency p50/p99/max
  with the next segment prepared ahead (the default) and created at
  rotation, N runs each in alternation.

--large: the large storage checks, in an optimized build:
  a snapshot of 1,000,000 keys written and read back;
  2,000,000 SETs over 10,000 keys with a snapshot every 100,000 slots:
  the data directory must stay under 64 MiB, and a restart must still
  know the promised ballot. Exits 1 if a check fails.

--dir DIR: where the temporary data directories go (default: the current
directory; use a real disk, not tmpfs, or fdatasync costs nothing).
"""
