// Exceptions and privileged instructions of a system context, from EL2 down
// to EL1 (test/cpu/system.test.ts). Each vector entry logs a tag (which
// vector: 0x1000 | offset at EL1, 0x2000 | offset at EL2) and the syndrome
// into the log at x28; the test compares the log with the Arm ARM's values.
	.include "common.inc"
	.text
	.global _start
_start:
	adr x28, log
	mrs x0, CurrentEL
	str x0, [x28], #8
	adr x0, vec2
	msr vbar_el2, x0
	adr x0, vec1
	msr vbar_el1, x0
	hvc #0x42                      // EL2 → EL2: current EL with SP_ELx
	// EL1 in AArch64 (RW), with TVM, TWI, TID1, TID2.
	mov x0, #(1 << 31)
	orr x0, x0, #(1 << 26)
	orr x0, x0, #(1 << 13)
	orr x0, x0, #(3 << 16)         // TID1, TID2
	msr hcr_el2, x0
	enter_el1 el1, stack1
el1:
	mrs x0, CurrentEL
	str x0, [x28], #8
	svc #7
	hvc #9
	.inst 0x00000000               // UDF #0
	brk #3
	msr sctlr_el1, x0              // trapped by HCR_EL2.TVM
	wfi                            // trapped by HCR_EL2.TWI
	mrs x1, ctr_el0                // trapped by HCR_EL2.TID2
	mrs x1, revidr_el1             // trapped by HCR_EL2.TID1
	mov x2, #0x09000000
	mov w1, #'A'
	strb w1, [x2]                  // the PL011's data register: a device access
	mov w1, #'\n'
	strb w1, [x2]
	mov x0, sp
	adr x1, stack1
	sub x0, x1, x0
	str x0, [x28], #8              // SP_EL1 as set from EL2
	adr x27, log
	print_log
	system_off

// x9 = the vector's tag. EL1: skip the instruction unless it was an SVC.
el1_common:
	mrs x10, esr_el1
	stp x9, x10, [x28], #16
	lsr x11, x10, #26
	cmp x11, #0x15
	b.eq 1f
	mrs x12, elr_el1
	add x12, x12, #4
	msr elr_el1, x12
1:	eret
el2_common:
	mrs x10, esr_el2
	stp x9, x10, [x28], #16
	lsr x11, x10, #26
	cmp x11, #0x16
	b.eq 1f
	mrs x12, elr_el2
	add x12, x12, #4
	msr elr_el2, x12
1:	eret

	.macro entry tag, common
	.balign 0x80
	mov x9, #\tag
	b \common
	.endm
	.balign 0x800
vec1:
	.irp off, 0x000, 0x080, 0x100, 0x180, 0x200, 0x280, 0x300, 0x380, 0x400, 0x480, 0x500, 0x580, 0x600, 0x680, 0x700, 0x780
	entry (0x1000 + \off), el1_common
	.endr
	.balign 0x800
vec2:
	.irp off, 0x000, 0x080, 0x100, 0x180, 0x200, 0x280, 0x300, 0x380, 0x400, 0x480, 0x500, 0x580, 0x600, 0x680, 0x700, 0x780
	entry (0x2000 + \off), el2_common
	.endr
	.balign 16
	.space 256
stack1:
log:
	.space 256
