// Two cores (test/cpu/system.test.ts): core 0 starts core 1 with PSCI CPU_ON;
// both add 1 to a shared counter 20000 times with LDXR/STXR, then count
// themselves done the same way; core 0 waits with WFE until both are, core 1
// says SEV and turns itself off, and core 0 waits for AFFINITY_INFO to say so.
	.include "common.inc"
	.text
	.global _start
_start:
	adr x19, shared
	movz x0, #0x0003
	movk x0, #0xc400, lsl #16      // PSCI CPU_ON (64-bit)
	mov x1, #1                     // target: MPIDR Aff0 = 1
	adr x2, secondary
	mov x3, #0x42                  // context id: core 1's x0
	smc #0
	str x0, [x19, #24]             // CPU_ON's result: 0, success
	bl work
1:	wfe
	ldr x0, [x19, #8]
	cmp x0, #2
	b.lo 1b
2:	movz x0, #0x0004
	movk x0, #0xc400, lsl #16      // PSCI AFFINITY_INFO (64-bit)
	mov x1, #1
	mov x2, #0
	smc #0
	cmp x0, #1                     // 1: off
	b.ne 2b
	// Print shared[0..5]: the counter, the done count, CPU_ON's result, core 1's x0 and MPIDR.Aff0.
	mov x27, x19
	add x28, x19, #48
	print_log
	system_off

secondary:
	adr x19, shared
	str x0, [x19, #32]             // the context id
	mrs x1, mpidr_el1
	and x1, x1, #0xff
	str x1, [x19, #40]
	bl work
	sev
	movz x0, #0x0002
	movk x0, #0x8400, lsl #16      // PSCI CPU_OFF
	smc #0
	b .

// Adds 1 to shared[0] 20000 times, then 1 to shared[1], both with LDXR/STXR.
work:
	mov x9, #20000
1:	ldxr x10, [x19]
	add x10, x10, #1
	stxr w11, x10, [x19]
	cbnz w11, 1b
	subs x9, x9, #1
	b.ne 1b
	add x12, x19, #8
2:	ldxr x10, [x12]
	add x10, x10, #1
	stxr w11, x10, [x12]
	cbnz w11, 2b
	ret

	.balign 64
shared:	.space 64
