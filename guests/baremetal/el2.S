// EL1 triggers for el2.c. Each sets NZCV from x0; x1 is an address or a
// value. The loads and stores use fixed registers, so that ESR_EL2.SRT is
// known.

.macro trigger name
	.text
	.balign	16
	.globl	\name
\name:
.endm

trigger g_ldr_w2
	msr	nzcv, x0
	ldr	w2, [x1]
	mov	x0, x2
	ret

trigger g_str_x3
	msr	nzcv, x0
	mov	x3, #0x5678
	movk	x3, #0x1234, lsl #48
	str	x3, [x1]
	ret

trigger g_ldrsb_w4
	msr	nzcv, x0
	ldrsb	w4, [x1]
	mov	x0, x4
	ret

trigger g_ldar_w5
	msr	nzcv, x0
	ldar	w5, [x1]
	mov	x0, x5
	ret

trigger g_ldp
	msr	nzcv, x0
	ldp	x6, x7, [x1]
	ret

trigger g_ldr_post
	msr	nzcv, x0
	ldr	x8, [x1], #8
	ret

trigger g_jump
	stp	x29, x30, [sp, #-16]!
	msr	nzcv, x0
	blr	x1
	ldp	x29, x30, [sp], #16
	ret

trigger g_hvc
	msr	nzcv, x0
	hvc	#0x55
	ret

trigger g_msr_sctlr
	msr	nzcv, x0
	msr	sctlr_el1, x1
	ret

trigger g_mrs_sctlr
	msr	nzcv, x0
	mrs	x2, sctlr_el1
	mov	x0, x2
	ret

trigger g_mrs_mmfr0
	msr	nzcv, x0
	mrs	x0, id_aa64mmfr0_el1
	ret

trigger g_wfi
	msr	nzcv, x0
	wfi
	ret

trigger g_smc
	msr	nzcv, x0
	mov	x0, #0
	smc	#0x33
	ret

// Unmasks IRQ, FIQ and SError for one instruction's time; the handler
// masks them again in SPSR.
trigger g_unmask
	msr	daifclr, #7
	nop
	msr	daifset, #7
	ret

	.section .text.page, "ax"
	.balign	4096
	.globl	page_fn
page_fn:
	mov	x0, #42
	ret
