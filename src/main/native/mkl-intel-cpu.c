/*
 * Tells the Intel MKL statically linked into libtorch that the CPU is an Intel one.
 *
 * MKL chooses its GEMM kernels by CPU vendor before it looks at the instruction set: on AMD
 * processors (this project's 2-core EPYC machines have AVX-512) it falls back to generic code
 * paths, 2-3x slower for the matrix products of T5 training and decoding (docs/benchmarks.md).
 * libtorch_cpu.so exports MKL's vendor check, so preloading this one-function library makes MKL
 * dispatch on the instruction set alone (features are still read with cpuid, so no instruction
 * the CPU lacks is used). bin/siit builds and preloads it on AMD CPUs; SIIT_NO_MKL_SHIM=1 turns
 * it off. Results agree with the generic kernels within floating-point rounding.
 */
int mkl_serv_intel_cpu_true(void) {
    return 1;
}
