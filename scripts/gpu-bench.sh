#!/usr/bin/env bash
# Issue 17's figures on a machine with a real GPU, in one call: seed16 on burn's wgpu
# backend against the CPU path at batch 512 (twice, to see the spread) and 4096,
# populations of 1, 8 and 16 on both (16 and 64 on wgpu alone), then launches and kernel
# time per iteration (scripts/gpu-launches.sh). Each bench is capped at 150 s, so one
# slow part does not take the rest with it. Logs go to $OUT (target/gpu-bench by default).
#
#   cargo build --release --features wgpu --bin anc
#   ANC=target/release/anc bash scripts/gpu-bench.sh
set -uo pipefail
cd "$(dirname "$0")/.."
ANC=${ANC:-target/release/anc}
OUT=${OUT:-target/gpu-bench}
mkdir -p "$OUT"

# One bench: its output (without winit's XDG_RUNTIME_DIR complaint) on the terminal and in
# $OUT/<name>.txt.
run() {
    local name=$1
    shift
    echo "== $name: anc $*"
    local start=$SECONDS
    timeout 150 "$ANC" "$@" 2>&1 | grep -v XDG_RUNTIME_DIR | tee "$OUT/$name.txt"
    echo "   ($((SECONDS - start)) s)"
}

{ nvidia-smi -L || true; grep -m1 'model name' /proc/cpuinfo; nproc; } | tee "$OUT/machine.txt"
run b512-1 bench --preset seed16 --backend wgpu --backend cpu --iterations 100 --warmup 40
run b4096 bench --preset seed16 --batch-size 4096 --backend wgpu --backend cpu --iterations 20 --warmup 20
run population bench --preset seed16 --backend wgpu --backend cpu --population 1,8,16 \
    --iterations 20 --warmup 10
run b512-2 bench --preset seed16 --backend wgpu --backend cpu --iterations 100 --warmup 40
run population-wgpu bench --preset seed16 --backend wgpu --population 16,64 --iterations 20 --warmup 10
echo "== launches per iteration (wgpu)"
ANC=$ANC timeout 150 bash scripts/gpu-launches.sh seed16 15 2>&1 | tee "$OUT/launches.txt"
