// The C files the native engine is built from, each with its flags from flags.json: each kernel
// set's files (`kernels`) get that set's flags; the encoder and the packing need AVX2 (what both
// sets have); kernel-sets.c gets none, so asking which set runs is safe on any x86-64. The
// Node-API binding is build.mjs's own addition.
export function nativeUnits(flags) {
  return [
    ...Object.entries(flags.kernels).flatMap(([set, files]) => files.map((name) => [name, flags[set]])),
    ['int8-linear', flags.avx2],
    ['encoder', flags.avx2],
    ['kernel-sets', []],
  ];
}
