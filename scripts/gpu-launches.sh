#!/usr/bin/env bash
# Kernel launches and kernel time per training iteration on burn's wgpu backend, and the
# kernels that take the most of it. cubecl prints every launch with its time when
# profiling is on; this runs `anc bench` for 2 and for 6 iterations after the same
# warm-up and divides the difference by 4, so start-up and warm-up launches cancel out.
#
#   cargo build --release --features wgpu --bin anc   # once (needs a Vulkan device:
#                                                     # lavapipe is mesa-vulkan-drivers)
#   bash scripts/gpu-launches.sh [preset] [top]       # seed16 and 12 by default
#
# ANC=path/to/anc picks another build (to compare two); WARMUP=N the warm-up (40).
set -euo pipefail
cd "$(dirname "$0")/.."
ANC=${ANC:-target/release/anc}
PRESET=${1:-seed16}
TOP=${2:-12}
# Warm-up iterations before the measured ones: autotune times its candidates during the first
# few dozen, which would otherwise land in the measured window.
WARMUP=${WARMUP:-40}
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
for n in 2 6; do
    if ! CUBECL_DEBUG_LOG=stderr CUBECL_DEBUG_OPTION=profile \
        "$ANC" bench --preset "$PRESET" --backend wgpu --iterations "$n" --warmup "$WARMUP" \
        >/dev/null 2>"$logs/$n.log"; then
        tail -5 "$logs/$n.log" >&2
        exit 1
    fi
done
python3 - "$logs/2.log" "$logs/6.log" "$TOP" <<'EOF'
import collections, re, sys

# A launch: "| 409.38µs   | KernelScalarBinop | AddOp_f55cfe9e". cubecl's own calibration
# runs (launch overhead, memory throughput) are not the model's.
LINE = re.compile(r"^\| ([0-9.]+)(ns|µs|us|ms|s)\s+\| ([A-Za-z].*?)\s*$")
CALIBRATION = ("LaunchOverhead", "MemoryDirectThroughput", "ComputeDirectThroughput", "FullKernel", "PrimeBuffer")
SCALE = {"ns": 1e-6, "µs": 1e-3, "us": 1e-3, "ms": 1.0, "s": 1e3}

def kernels(path):
    count, time = collections.Counter(), collections.Counter()
    for line in open(path, encoding="utf-8", errors="replace"):
        m = LINE.search(line)
        if m and not m.group(3).startswith(CALIBRATION):
            name = re.sub(r"_[0-9a-f]{6,}", "", m.group(3))[:90]
            count[name] += 1
            time[name] += float(m.group(1)) * SCALE[m.group(2)]
    return count, time

(c2, t2), (c6, t6) = kernels(sys.argv[1]), kernels(sys.argv[2])
if not c6:
    sys.exit("no profiled launches in the output: is this a --features wgpu build?")
launches = (sum(c6.values()) - sum(c2.values())) / 4
ms = (sum(t6.values()) - sum(t2.values())) / 4
print(f"per iteration: {launches:.0f} launches, {ms:.1f} ms of kernel time")
rows = sorted(t6, key=lambda k: t2[k] - t6[k])[: int(sys.argv[3])]
for k in rows:
    print(f"  {(c6[k] - c2[k]) / 4:6.1f} launches {(t6[k] - t2[k]) / 4:8.2f} ms  {k}")
EOF
