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
#
# Why --static-swift-stdlib: the Swift runtime libraries, mapped shared,
# keep ~5 MiB of their pages resident in every daemon (libswiftCore alone
# 4.9 MiB of an idle paxosd's 11.3 MiB VmRSS); linked statically only what
# the binary uses is mapped (idle VmRSS 8.7 MiB), and the binaries run
# without /opt/swift on the machine.

# release_build ROOT PRODUCT...   (each product's sources are in Sources/PRODUCT)
release_build() {
    local root="$1"
    shift
    local product
    for product in "$@"; do
        find "$root/Sources/$product" -name '*.swift' -exec touch {} +
    done
    for product in "$@"; do
        (cd "$root" && swift build -c release --static-swift-stdlib --product "$product") >&2 || return 1
    done
}
