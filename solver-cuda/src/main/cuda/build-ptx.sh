#!/usr/bin/env bash
# Regenerates the PTX resources from the .cu sources (run by `mvn -Pnvcc`, or by hand from any
# directory). Needs nvcc and ptxas (CUDA 12.x or 13.x toolkit); a normal build uses the PTX
# already committed under src/main/resources and needs no toolkit.
#
# Why the .version rewrite: nvcc 13 stamps its PTX ".version 9.0" (PTX ISA 9.0), and a driver
# refuses PTX whose ISA is newer than it knows: CUDA 12.0 drivers know ISA 8.0, 12.6 know 8.5.
# The kernels are plain loads, stores, f64 arithmetic, shfl.sync and bar.sync, all of which exist
# since ISA 6.x, so we declare ISA 8.0 (the CUDA 12.0 level) and then ASSEMBLE the rewritten file
# with ptxas, which rejects any instruction or directive newer than the declared .version, for
# each target below. A kernel that starts using something newer fails this script, not a user's
# driver. The virtual architecture is compute_75 (Turing), the oldest nvcc 13 can target; drivers
# JIT it for any newer GPU (A100, H100, ...).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/../resources/dev/solvent/cuda/ptx"
ISA="8.0"
ARCH="compute_75"
VERIFY_TARGETS="sm_75 sm_80 sm_90"
NVCC="${NVCC:-nvcc}"
PTXAS="${PTXAS:-$(dirname "$(command -v "$NVCC")")/ptxas}"
command -v "$PTXAS" >/dev/null 2>&1 || PTXAS=ptxas

mkdir -p "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

for src in blas spmv relax ot conv; do
    "$NVCC" -arch="$ARCH" -ptx -O3 -o "$tmp/$src.raw.ptx" "$here/$src.cu"
    grep -q '^\.version ' "$tmp/$src.raw.ptx" || { echo "no .version directive in $src.ptx" >&2; exit 1; }
    # The hash lets a test notice PTX that is older than its sources (the bytes of the shared
    # header followed by the .cu file).
    hash="$(cat "$here/solvent_common.cuh" "$here/$src.cu" | sha256sum | cut -d' ' -f1)"
    {
        echo "// Solvent: generated from src/main/cuda/$src.cu by build-ptx.sh; .version set to $ISA"
        echo "// (nvcc wrote $(grep -m1 '^\.version ' "$tmp/$src.raw.ptx")) and checked by ptxas for $VERIFY_TARGETS."
        echo "// source-sha256: $hash"
        sed -E "s/^\.version [0-9]+\.[0-9]+$/.version $ISA/" "$tmp/$src.raw.ptx"
    } > "$tmp/$src.ptx"
    for t in $VERIFY_TARGETS; do
        "$PTXAS" -arch="$t" -o /dev/null "$tmp/$src.ptx"
    done
    cp "$tmp/$src.ptx" "$out/$src.ptx"
    echo "build-ptx: $out/$src.ptx ($(grep -c '^\.visible \.entry' "$out/$src.ptx") entries, ISA $ISA, $ARCH)"
done
