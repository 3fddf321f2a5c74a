#!/usr/bin/env bash
# The test command (README "Run the tests"; .ci/run calls exactly this).
# Unit and simulation tests run in parallel; the real-process cluster tests
# run afterwards, on their own, because they must not compete with the
# simulator's heavy tests for the two cores.
set -euo pipefail
cd "$(dirname "$0")/.."

swift build --build-tests
swift test --skip-build --skip ClusterTests
if [ -d Tests/ClusterTests ]; then
    swift test --skip-build --filter ClusterTests --no-parallel
fi
