#!/usr/bin/env bash
# The test command (README "Run the tests"; .ci/run calls exactly this).
# Unit and simulation tests run in parallel; the real-process cluster and
# chaos tests run afterwards, one at a time, because they must not compete
# with the simulator's heavy tests (or each other) for the two cores.
set -euo pipefail
cd "$(dirname "$0")/.."

swift build --build-tests
swift test --skip-build --skip ClusterTests --skip ChaosTests
swift test --skip-build --filter ClusterTests --no-parallel
# Includes a 60-second chaos run (kill, pause, partition) checked for linearizability.
swift test --skip-build --filter ChaosTests --no-parallel
