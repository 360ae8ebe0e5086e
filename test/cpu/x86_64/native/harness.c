// Native reference for the x86-64 core's differential tests: runs snippets of
// machine code on the host CPU from a given register state and memory, and
// reports the registers, RFLAGS, the stopping RIP and signal, and memory.
//
// Protocol (stdin -> stdout, little-endian, one record per case):
//   in:  u32 code_len, u32 0, code[code_len], u64 regs[16] (RAX..R15), u64 rflags, u8 xmm[16][16],
//        u8 data[DATA_SIZE]
//   out: u64 regs[16], u64 rflags, u64 rip, u64 signal (0: ran to the end), u8 xmm[16][16],
//        u8 data[DATA_SIZE]
// The snippet runs at CODE_ADDR followed by a jump to the exit stub; DATA_SIZE
// bytes of data live at DATA_ADDR. A fault (SIGSEGV, SIGFPE, SIGILL, SIGBUS,
// SIGTRAP) ends the snippet with the registers as the signal saw them, RIP on
// the faulting instruction (after it for SIGTRAP), as the core reports exits.
// GS base is DATA_ADDR (arch_prctl), as the core's snippet machine sets it.
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>
#include <asm/prctl.h>
#include <sys/syscall.h>

#define CODE_ADDR 0x10000000UL
#define CODE_SIZE 0x10000UL
#define DATA_ADDR 0x20000000UL
#define DATA_SIZE 0x2000UL

struct out { uint64_t regs[16], rflags, rip, signal; uint8_t xmm[256]; };
struct out g_out;
uint64_t g_host_rsp;
uint64_t g_in_regs[17];
uint8_t g_in_xmm[256] __attribute__((aligned(16)));
uint64_t g_code_addr = CODE_ADDR;

void run_snippet(void);
void exit_stub(void);
void fault_resume(void);

// Loads every register from g_in_regs (RFLAGS through the host stack first),
// jumps to the snippet; exit_stub saves them back into g_out.
__asm__(
  ".text\n"
  ".globl run_snippet\n"
  "run_snippet:\n"
  "  push %rbx; push %rbp; push %r12; push %r13; push %r14; push %r15\n"
  "  mov %rsp, g_host_rsp(%rip)\n"
  "  pushq g_in_regs+128(%rip); popfq\n"
  "  movdqu g_in_xmm+0(%rip), %xmm0\n"
  "  movdqu g_in_xmm+16(%rip), %xmm1\n"
  "  movdqu g_in_xmm+32(%rip), %xmm2\n"
  "  movdqu g_in_xmm+48(%rip), %xmm3\n"
  "  movdqu g_in_xmm+64(%rip), %xmm4\n"
  "  movdqu g_in_xmm+80(%rip), %xmm5\n"
  "  movdqu g_in_xmm+96(%rip), %xmm6\n"
  "  movdqu g_in_xmm+112(%rip), %xmm7\n"
  "  movdqu g_in_xmm+128(%rip), %xmm8\n"
  "  movdqu g_in_xmm+144(%rip), %xmm9\n"
  "  movdqu g_in_xmm+160(%rip), %xmm10\n"
  "  movdqu g_in_xmm+176(%rip), %xmm11\n"
  "  movdqu g_in_xmm+192(%rip), %xmm12\n"
  "  movdqu g_in_xmm+208(%rip), %xmm13\n"
  "  movdqu g_in_xmm+224(%rip), %xmm14\n"
  "  movdqu g_in_xmm+240(%rip), %xmm15\n"
  "  mov g_in_regs+0(%rip), %rax\n"
  "  mov g_in_regs+8(%rip), %rcx\n"
  "  mov g_in_regs+16(%rip), %rdx\n"
  "  mov g_in_regs+24(%rip), %rbx\n"
  "  mov g_in_regs+32(%rip), %rsp\n"
  "  mov g_in_regs+40(%rip), %rbp\n"
  "  mov g_in_regs+48(%rip), %rsi\n"
  "  mov g_in_regs+56(%rip), %rdi\n"
  "  mov g_in_regs+64(%rip), %r8\n"
  "  mov g_in_regs+72(%rip), %r9\n"
  "  mov g_in_regs+80(%rip), %r10\n"
  "  mov g_in_regs+88(%rip), %r11\n"
  "  mov g_in_regs+96(%rip), %r12\n"
  "  mov g_in_regs+104(%rip), %r13\n"
  "  mov g_in_regs+112(%rip), %r14\n"
  "  mov g_in_regs+120(%rip), %r15\n"
  "  jmp *g_code_addr(%rip)\n"
  ".globl exit_stub\n"
  "exit_stub:\n"
  "  mov %rax, g_out+0(%rip)\n"
  "  mov %rcx, g_out+8(%rip)\n"
  "  mov %rdx, g_out+16(%rip)\n"
  "  mov %rbx, g_out+24(%rip)\n"
  "  mov %rsp, g_out+32(%rip)\n"
  "  mov %rbp, g_out+40(%rip)\n"
  "  mov %rsi, g_out+48(%rip)\n"
  "  mov %rdi, g_out+56(%rip)\n"
  "  mov %r8, g_out+64(%rip)\n"
  "  mov %r9, g_out+72(%rip)\n"
  "  mov %r10, g_out+80(%rip)\n"
  "  mov %r11, g_out+88(%rip)\n"
  "  mov %r12, g_out+96(%rip)\n"
  "  mov %r13, g_out+104(%rip)\n"
  "  mov %r14, g_out+112(%rip)\n"
  "  mov %r15, g_out+120(%rip)\n"
  "  movdqu %xmm0, g_out+152+0(%rip)\n"
  "  movdqu %xmm1, g_out+152+16(%rip)\n"
  "  movdqu %xmm2, g_out+152+32(%rip)\n"
  "  movdqu %xmm3, g_out+152+48(%rip)\n"
  "  movdqu %xmm4, g_out+152+64(%rip)\n"
  "  movdqu %xmm5, g_out+152+80(%rip)\n"
  "  movdqu %xmm6, g_out+152+96(%rip)\n"
  "  movdqu %xmm7, g_out+152+112(%rip)\n"
  "  movdqu %xmm8, g_out+152+128(%rip)\n"
  "  movdqu %xmm9, g_out+152+144(%rip)\n"
  "  movdqu %xmm10, g_out+152+160(%rip)\n"
  "  movdqu %xmm11, g_out+152+176(%rip)\n"
  "  movdqu %xmm12, g_out+152+192(%rip)\n"
  "  movdqu %xmm13, g_out+152+208(%rip)\n"
  "  movdqu %xmm14, g_out+152+224(%rip)\n"
  "  movdqu %xmm15, g_out+152+240(%rip)\n"
  "  mov g_host_rsp(%rip), %rsp\n"
  "  pushfq; popq g_out+128(%rip)\n"
  "  cld\n"
  ".globl fault_resume\n"
  "fault_resume:\n"
  "  pop %r15; pop %r14; pop %r13; pop %r12; pop %rbp; pop %rbx\n"
  "  ret\n");

static const int greg_of[16] = { REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
  REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15 };

static void on_signal(int sig, siginfo_t *si, void *ucv) {
  (void)si;
  ucontext_t *uc = ucv;
  greg_t *g = uc->uc_mcontext.gregs;
  for (int i = 0; i < 16; i++) g_out.regs[i] = (uint64_t)g[greg_of[i]];
  g_out.rflags = (uint64_t)g[REG_EFL];
  g_out.rip = (uint64_t)g[REG_RIP];
  g_out.signal = (uint64_t)sig;
  memcpy(g_out.xmm, uc->uc_mcontext.fpregs->_xmm, 256);
  // Resume in the host frame: callee-saved registers come back from its stack.
  g[REG_RSP] = (greg_t)g_host_rsp;
  g[REG_RIP] = (greg_t)(uintptr_t)fault_resume;
  g[REG_EFL] = 0x202;
}

static int read_full(void *p, size_t n) {
  char *c = p;
  while (n) { ssize_t r = read(0, c, n); if (r <= 0) return 0; c += r; n -= (size_t)r; }
  return 1;
}
static void write_full(const void *p, size_t n) {
  const char *c = p;
  while (n) { ssize_t r = write(1, c, n); if (r <= 0) exit(3); c += r; n -= (size_t)r; }
}

int main(void) {
  uint8_t *code = mmap((void *)CODE_ADDR, CODE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  uint8_t *data = mmap((void *)DATA_ADDR, DATA_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (code != (void *)CODE_ADDR || data != (void *)DATA_ADDR) { perror("mmap"); return 2; }
  static uint8_t altstack[65536];
  stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0 };
  sigaltstack(&ss, 0);
  // GS base = the data area, so snippets can test GS-prefixed accesses (FS is the C library's TLS).
  if (syscall(SYS_arch_prctl, ARCH_SET_GS, DATA_ADDR) != 0) { perror("arch_prctl"); return 2; }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_signal;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  int sigs[] = { SIGSEGV, SIGFPE, SIGILL, SIGBUS, SIGTRAP };
  for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaction(sigs[i], &sa, 0);
  uint32_t hdr[2];
  while (read_full(hdr, 8)) {
    uint32_t len = hdr[0];
    if (len > CODE_SIZE - 16) return 4;
    if (!read_full(code, len) || !read_full(g_in_regs, 17 * 8) || !read_full(g_in_xmm, 256) || !read_full(data, DATA_SIZE)) return 5;
    // jmp *0(%rip); .quad exit_stub
    uint8_t *p = code + len;
    p[0] = 0xFF; p[1] = 0x25; memset(p + 2, 0, 4);
    uint64_t target = (uint64_t)(uintptr_t)exit_stub;
    memcpy(p + 6, &target, 8);
    __builtin___clear_cache((char *)code, (char *)p + 14);
    memset(&g_out, 0, sizeof g_out);
    g_out.rip = CODE_ADDR + len;
    run_snippet();
    write_full(&g_out, sizeof g_out);
    write_full(data, DATA_SIZE);
  }
  return 0;
}
