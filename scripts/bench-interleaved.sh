#!/usr/bin/env bash
# Interleaved benchmark of two builds: on a VM whose speed drifts, only runs taken in the same
# minutes compare. Usage: scripts/bench-interleaved.sh DIR_A DIR_B [REPS]
# DIR_A / DIR_B hold siit.jar and lib/ (copies of target/siit.jar and target/lib of each build).
# Env per build: GC_A / GC_B (JVM collector flag; default the current bin/siit choice). Runs the
# three reference shapes of docs/benchmarks.md; stop other jobs first (or wrap in kill -STOP).
set -euo pipefail
A=$1; B=$2; REPS=${3:-3}
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHIM="$ROOT/target/native/libmkl-intel-cpu.so"
TC=/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4
export LD_PRELOAD="$( [ -e "$SHIM" ] && echo "$SHIM:" )$( [ -e "$TC" ] && echo "$TC" )"
export TCMALLOC_RELEASE_RATE=0 OMP_NUM_THREADS=${SIIT_THREADS:-2}
run() { # dir gc args...
  local d=$1 gc=$2; shift 2
  java -Xmx16g $gc -Dai.djl.offline=true -Dai.djl.pytorch.num_threads="$OMP_NUM_THREADS" \
    -Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error -cp "$d/siit.jar:$d/lib/*" \
    dev.siit.cli.SiitCli -q bench "$@" 2>&1 | grep -E "^(train|decode):" || true
}
for rep in $(seq "$REPS"); do
  for side in A B; do
    if [ $side = A ]; then d=$A; gc=${GC_A:--XX:+UseParallelGC -Xmn128m}; else d=$B; gc=${GC_B:--XX:+UseParallelGC -Xmn128m}; fi
    echo "rep $rep $side ($d, $gc) $(date -u +%H:%M:%S)"
    run "$d" "$gc" --mode train --steps 5 --warmup 2
    run "$d" "$gc" --mode train --steps 10 --warmup 3 --d-model 64 --layers 2 --heads 4 --d-kv 16 --d-ff 256
    run "$d" "$gc" --mode decode --decode-batches 4 --warmup 1
  done
done
