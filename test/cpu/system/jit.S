// Compiled code in a system context (test/cpu/system-jit.test.ts): a hot loop
// at EL1 with the MMU on, then the same code through a second mapping (an
// alias of its physical page at another VA), then after the loop's code is
// rewritten (store, DC CVAU, IC IVAU, ISB): each result must be what the
// instructions compute, whether the block compiler ran them or not.
	.include "common.inc"
	.text
	.global _start
_start:
	mov x0, #(1 << 31)
	msr hcr_el2, x0
	adr x0, l1
	mov x1, #0x401                 // [0]: device block (PL011)
	str x1, [x0]
	mov x1, #0x40000000
	movk x1, #0x0705               // [1]: RAM
	str x1, [x0, #8]
	str x1, [x0, #16]              // [2]: the same RAM again at VA 0x8000_0000
	mov x1, #0xff00
	msr mair_el1, x1
	movz x1, #0x0019
	movk x1, #0x0002, lsl #32
	msr tcr_el1, x1
	msr ttbr0_el1, x0
	enter_el1 el1, stack

el1:
	mrs x0, sctlr_el1
	orr x0, x0, #1
	msr sctlr_el1, x0
	isb
	movz x0, #0x1234
	movz x1, #0x0003, lsl #16      // 196608 passes: hot enough to compile
	bl mix
	bl print
	adr x9, mix
	mov x10, #0x40000000
	add x9, x9, x10                // the alias
	movz x0, #0x5678
	movz x1, #0x0003, lsl #16
	blr x9
	bl print
	adr x9, patch                  // add x2, x2, #1 → add x2, x2, #3
	ldr w10, [x9]
	add w10, w10, #(2 << 10)
	str w10, [x9]
	dc cvau, x9
	dsb ish
	ic ivau, x9
	dsb ish
	isb
	movz x0, #0x1234
	movz x1, #0x0003, lsl #16
	bl mix
	bl print
	system_off

mix:
	mov x2, #0
1:	eor x0, x0, x0, lsl #13
	eor x0, x0, x0, lsr #7
	eor x0, x0, x0, lsl #17
patch:	add x2, x2, #1
	add x0, x0, x2
	subs x1, x1, #1
	b.ne 1b
	ret

// Prints x0 as 16 hex digits and a newline (x2-x7).
print:
	mov x3, x0
	mov x2, #0x09000000
	print_x3
	ret

	.balign 4096
l1:	.space 4096
	.space 1024
stack:
