// Triggers for stage1.c (x0 = NZCV to set, x1 = address) and a function in
// a page of its own, so that the page can be mapped elsewhere.

.macro trigger name
	.text
	.balign	16
	.globl	\name
\name:
.endm

trigger trig_load
	msr	nzcv, x0
	ldr	x0, [x1]
	ret

trigger trig_store
	msr	nzcv, x0
	str	x0, [x1]
	ret

trigger trig_jump
	stp	x29, x30, [sp, #-16]!
	msr	nzcv, x0
	blr	x1
	ldp	x29, x30, [sp], #16
	ret

	.section .text.page, "ax"
	.balign	4096
	.globl	page_fn
page_fn:
	mov	x0, #42
	ret
