// EL0 code for asid.c, in a page of its own that each task maps at
// CODE_VA (0x8000_0000); it uses no absolute addresses but DATA_VA.

	.section .text.el0, "ax"
	.balign	4096
	.globl	el0_page, el0_task, el0_load, el0_store, el0_jump
el0_page:
// x0 = increment: returns the word at DATA_VA (0x8000_1000) and adds x0 to it.
el0_task:
	mov	x2, #0x80000000
	movk	x2, #0x1000
	ldr	x1, [x2]
	add	x3, x1, x0
	str	x3, [x2]
	mov	x0, x1
	svc	#0xfff0

// x0 = NZCV, x1 = address; each exits with 1 once past the access.
	.balign	16
el0_load:
	msr	nzcv, x0
	ldr	x2, [x1]
	mov	x0, #1
	svc	#0xfff0

	.balign	16
el0_store:
	msr	nzcv, x0
	str	x2, [x1]
	mov	x0, #1
	svc	#0xfff0

	.balign	16
el0_jump:
	msr	nzcv, x0
	blr	x1
	mov	x0, #1
	svc	#0xfff0

	.text
	.balign	16
	.globl	trig_ldtr
// At EL1: x0 = NZCV, x1 = address; an unprivileged load, checked as EL0.
trig_ldtr:
	msr	nzcv, x0
	ldtr	x0, [x1]
	ret
