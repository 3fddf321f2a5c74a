#!/usr/bin/env bash
# Sourced by cluster.sh and chaos.sh: builds release products.
#
# Why the executables' own sources are touched first: in a release build
# the executables inline the libraries' type layouts (cross-module
# optimization), and SwiftPM's incremental build does not recompile an
# unchanged main.swift when only an internal stored property deep in a
# library changed (e.g. a field added to the consensus core's Replica,
# which the Runtime's Node stores inline). The stale paxosd then allocated
# a Node too small for it and crashed at start with heap corruption
# ("malloc(): unsorted double linked list corrupted"). Touching the
# executables' few source files makes the driver recompile them against
# the current libraries; it costs seconds and changes no file content.
# (Deleting their build directories instead breaks SwiftPM's cached plan.)

# release_build ROOT PRODUCT...   (each product's sources are in Sources/PRODUCT)
release_build() {
    local root="$1"
    shift
    local product
    for product in "$@"; do
        find "$root/Sources/$product" -name '*.swift' -exec touch {} +
    done
    for product in "$@"; do
        (cd "$root" && swift build -c release --product "$product") >&2 || return 1
    done
}
