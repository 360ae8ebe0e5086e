// Triggers for align.c: x0 = NZCV to set, x1 = SP value or address.

.macro trigger name
	.text
	.balign	16
	.globl	\name
\name:
.endm

// Runs at EL1t (SPSel 0, SP_EL0 = x1) so that the handler, on SP_EL1, has
// a good stack.
trigger trig_sp_align
	msr	spsel, #0
	mov	x10, sp
	mov	sp, x1
	msr	nzcv, x0
	ldr	x11, [sp]
	mov	sp, x10
	msr	spsel, #1
	ret

// EL0 code: run_el0 gives it the misaligned SP.
trigger el0_sp_align
	msr	nzcv, x0
	ldr	x1, [sp]
	mov	x0, #5
	svc	#0xfff0

// Each returns what it loaded.
trigger trig_load
	msr	nzcv, x0
	ldr	x2, [x1]
	mov	x0, x2
	ret

trigger trig_ldxr
	msr	nzcv, x0
	ldxr	x2, [x1]
	clrex
	mov	x0, x2
	ret

trigger trig_ldar
	msr	nzcv, x0
	ldar	w2, [x1]
	mov	x0, x2
	ret
