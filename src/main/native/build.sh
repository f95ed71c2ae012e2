#!/usr/bin/env bash
# Builds the project's JNI kernels: build.sh OUT_DIR JAVA_HOME
# (Maven runs it in the compile phase; the result is OUT_DIR/libsiit-kernels.so.)
# Without a C compiler it only warns: the Java code then falls back to libtorch's own ops, which
# give the same results, slower (ColumnLogSoftmax).
set -euo pipefail
out="$1"
jdk="$2"
here="$(cd "$(dirname "$0")" && pwd)"
lib="$out/libsiit-kernels.so"
src="$here/column-log-softmax.c"
CC="${CC:-cc}"
if ! command -v "$CC" >/dev/null 2>&1; then
  echo "siit: no C compiler ($CC): $lib not built, decoding uses libtorch's log_softmax (slower)" >&2
  exit 0
fi
if [ -e "$lib" ] && [ "$lib" -nt "$src" ] && [ "$lib" -nt "$0" ]; then
  exit 0
fi
mkdir -p "$out"
# -fopenmp-simd: the loops' simd pragmas and expf's vector variants (see the source's header)
"$CC" -shared -fPIC -O3 -fopenmp-simd -fno-math-errno -I"$jdk/include" -I"$jdk/include/linux" \
  -o "$lib.tmp.$$" "$src" -lmvec -lm
mv -f "$lib.tmp.$$" "$lib"
