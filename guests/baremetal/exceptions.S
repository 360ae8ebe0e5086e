// Triggers for exceptions.c. Each takes the NZCV value to set in x0 (so that
// SPSR has known flags) and raises one exception; the catching hook returns
// past it (or to x30 where the faulting PC cannot be resumed).

.macro trigger name
	.text
	.balign	16
	.globl	\name
\name:
.endm

trigger trig_svc
	msr	nzcv, x0
	svc	#0x42
	ret

trigger trig_hvc
	msr	nzcv, x0
	hvc	#0x77
	ret

trigger trig_brk
	msr	nzcv, x0
	brk	#0x123
	ret

trigger trig_udf
	msr	nzcv, x0
	udf	#0
	ret

// Branches to 2 bytes past a word: the fetch there takes the PC alignment
// fault (the branch itself does not).
trigger trig_pc_align
	msr	nzcv, x0
	adr	x9, 1f
	add	x9, x9, #2
	br	x9
1:	ret

// x1 = address
trigger trig_load
	msr	nzcv, x0
	ldr	x2, [x1]
	ret

trigger trig_store
	msr	nzcv, x0
	str	x2, [x1]
	ret

// x1 = address to branch to (with BLR, so x30 comes back here)
trigger trig_jump
	stp	x29, x30, [sp, #-16]!
	msr	nzcv, x0
	blr	x1
	ldp	x29, x30, [sp], #16
	ret

// Returns NZCV after an SVC whose handler inverts the flags in SPSR: ERET
// must restore PSTATE from SPSR, not keep the flags of before.
trigger trig_svc_flags
	msr	nzcv, x0
	svc	#1
	mrs	x0, nzcv
	ret

// EL0 code (the MMU is off, so EL0 may run anywhere). Each ends with
// SVC #0xfff0, which returns x0 from run_el0.
trigger el0_svc
	msr	nzcv, x0
	svc	#0x99
	mov	x0, #7
	svc	#0xfff0

trigger el0_mrs
	msr	nzcv, x0
	mrs	x1, sctlr_el1
	mov	x0, #8
	svc	#0xfff0

trigger el0_hvc
	msr	nzcv, x0
	hvc	#1
	mov	x0, #9
	svc	#0xfff0
