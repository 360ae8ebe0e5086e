// The generic timer's interrupt through the GICv3 (test/cpu/system.test.ts):
// EL2 wakes redistributor 0 and enables the distributor, EL1 enables PPI 27
// (the virtual timer) and SGI 5, arms CNTV three times and waits in WFI; each
// IRQ logs ICC_IAR1_EL1's INTID and CNTV_CTL_EL0; then an SGI to itself.
	.include "common.inc"
	.text
	.global _start
_start:
	mov x0, #0x08000000            // GICD_CTLR: EnableGrp1NS, ARE_NS
	mov w1, #0x12
	str w1, [x0]
	mov x0, #0x080a0000            // GICR_WAKER of core 0: wake it
	ldr w1, [x0, #0x14]
	bic w1, w1, #2
	str w1, [x0, #0x14]
1:	ldr w1, [x0, #0x14]
	tbnz w1, #2, 1b                // until ChildrenAsleep clears
	mov x0, #0x080b0000            // SGI_base
	mov w1, #(1 << 27)
	orr w1, w1, #(1 << 5)
	str w1, [x0, #0x80]            // IGROUPR0: Group 1
	mov w1, #0x80
	strb w1, [x0, #(0x400 + 27)]   // priorities
	strb w1, [x0, #(0x400 + 5)]
	mov w1, #(1 << 27)
	orr w1, w1, #(1 << 5)
	str w1, [x0, #0x100]           // ISENABLER0
	mov x0, #0xf
	msr icc_sre_el2, x0            // EL1 may use the system-register interface
	mov x0, #(1 << 31)
	msr hcr_el2, x0
	enter_el1 el1, stack1

el1:
	adr x28, log
	adr x0, vec1
	msr vbar_el1, x0
	mov x0, #1
	msr icc_sre_el1, x0
	isb
	mov x0, #0xf0
	msr icc_pmr_el1, x0
	mov x0, #1
	msr icc_igrpen1_el1, x0
	isb
	mov x20, #0                    // interrupts seen
	mov x0, #1000
	msr cntv_tval_el0, x0
	mov x0, #1
	msr cntv_ctl_el0, x0
	msr daifclr, #2
2:	wfi
	cmp x20, #3
	b.lo 2b
	movz x0, #0x0500, lsl #16      // SGI 5 (INTID at bit 24) to this core (TargetList bit 0)
	orr x0, x0, #1
	msr icc_sgi1r_el1, x0
	isb
3:	cmp x20, #4
	b.lo 3b
	msr daifset, #2
	mrs x0, icc_rpr_el1            // idle again
	str x0, [x28], #8
	adr x27, log
	print_log
	system_off

irq:
	mrs x0, icc_iar1_el1
	mrs x1, cntv_ctl_el0
	stp x0, x1, [x28], #16
	add x20, x20, #1
	cmp x0, #27
	b.ne 8f
	cmp x20, #3
	b.hs 7f
	mov x1, #1000
	msr cntv_tval_el0, x1          // the next tick
	b 8f
7:	msr cntv_ctl_el0, xzr          // done with the timer
8:	isb
	msr icc_eoir1_el1, x0
	eret

	.balign 0x800
vec1:
	.balign 0x80
	b .                            // 0x000
	.balign 0x80
	b .
	.balign 0x80
	b .
	.balign 0x80
	b .
	.balign 0x80
	b .                            // 0x200: synchronous, current EL with SP_EL1
	.balign 0x80
	b irq                          // 0x280: IRQ, current EL with SP_EL1
	.balign 0x80
	b .
	.balign 0x80
	b .
	.balign 16
	.space 512
stack1:
log:	.space 512
