/*
 * LD_PRELOAD library for measurements: the process sees an AVX2-only x86-64 CPU. It turns on
 * Linux's CPUID faulting (arch_prctl ARCH_SET_CPUID, where the CPU offers it) and answers each
 * cpuid from a SIGSEGV handler with the AVX-512 and AVX-VNNI bits cleared, so ONNX Runtime and the
 * native engine both pick their AVX2 kernels on an AVX-512 host. Threads inherit the setting.
 * Not part of the addon: scripts/measure-avx2-kernels.sh builds and uses it.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#ifndef ARCH_SET_CPUID
#define ARCH_SET_CPUID 0x1012
#endif

static struct sigaction previous;

static int set_cpuid(int enabled) { return (int)syscall(SYS_arch_prctl, ARCH_SET_CPUID, enabled); }

static void on_segv(int signo, siginfo_t *info, void *context) {
  ucontext_t *uc = context;
  greg_t *r = uc->uc_mcontext.gregs;
  const uint8_t *ip = (const uint8_t *)r[REG_RIP];
  if (ip[0] != 0x0F || ip[1] != 0xA2) {
    /* Not a cpuid: whoever handled SIGSEGV before (V8's WebAssembly traps), or the default. */
    if (previous.sa_flags & SA_SIGINFO && previous.sa_sigaction) {
      previous.sa_sigaction(signo, info, context);
      return;
    }
    signal(SIGSEGV, SIG_DFL);
    return;
  }
  uint32_t a = (uint32_t)r[REG_RAX], b, c = (uint32_t)r[REG_RCX], d;
  const uint32_t leaf = a, subleaf = c;
  set_cpuid(1);
  __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
  set_cpuid(0);
  if (leaf == 7 && subleaf == 0) {
    /* EBX: avx512 f, dq, ifma, pf, er, cd, bw, vl; ECX: vbmi, vbmi2, vnni, bitalg, vpopcntdq;
     * EDX: 4vnniw, 4fmaps, vp2intersect, fp16. */
    b &= ~((1u << 16) | (1u << 17) | (1u << 21) | (1u << 26) | (1u << 27) | (1u << 28) | (1u << 30) | (1u << 31));
    c &= ~((1u << 1) | (1u << 6) | (1u << 11) | (1u << 12) | (1u << 14));
    d &= ~((1u << 2) | (1u << 3) | (1u << 8) | (1u << 23));
  } else if (leaf == 7 && subleaf == 1) {
    /* EAX: avx-vnni, avx512 bf16, avx-ifma; EDX: avx-vnni-int8, avx-ne-convert, avx-vnni-int16. */
    a &= ~((1u << 4) | (1u << 5) | (1u << 23));
    d &= ~((1u << 4) | (1u << 5) | (1u << 10));
  }
  r[REG_RAX] = a, r[REG_RBX] = b, r[REG_RCX] = c, r[REG_RDX] = d;
  r[REG_RIP] += 2;
}

__attribute__((constructor)) static void hide_avx512(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_segv;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGSEGV, &sa, &previous) != 0 || set_cpuid(0) != 0) {
    fprintf(stderr, "hide-avx512: this kernel or CPU offers no CPUID faulting; nothing is hidden\n");
    exit(70);
  }
}
