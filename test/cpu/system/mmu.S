// Stage-1 translation at EL1 (test/cpu/system.test.ts): a 39-bit VA space
// per TTBR with the 4 KiB granule, a 1 GiB device block for the PL011 and a
// 1 GiB block of RAM (both identity), a level-2/level-3 walk for VA
// 0x8000_0000 with pages that fault (access flag, permission, translation),
// a TTBR1 block at the top of the address space, a remap made visible by
// TLBI, and an EL0 program whose access to an EL1-only page faults. Each
// result goes into the log at x28, which is printed at the end.
	.include "common.inc"
	.text
	.global _start
_start:
	adr x0, vec1
	msr vbar_el1, x0
	mov x0, #(1 << 31)             // HCR_EL2.RW: EL1 is AArch64
	msr hcr_el2, x0
	enter_el1 el1, stack1

el1:
	adr x28, log
	// Level 1 of TTBR0: [0] device block at PA 0, [1] RAM block at PA 1 GiB, [2] → level 2.
	adr x20, l1
	mov x0, #0x401                 // block, AF, AttrIndx 0 (device), EL1 RW
	str x0, [x20, #0]
	mov x0, #0x40000000
	movk x0, #0x0705               // AF, inner shareable, AttrIndx 1 (normal), block
	str x0, [x20, #8]
	adr x21, l2
	orr x0, x21, #3
	str x0, [x20, #16]
	// Level 2 [0] → level 3.
	adr x22, l3
	orr x0, x22, #3
	str x0, [x21]
	// Level 3: [0] data page without AF, [1] read-only data page, [2] invalid, [3] EL0 page (AP 01), [4] EL1-only page.
	adr x23, data
	mov x1, #0x0307                // page, AttrIndx 1, inner shareable: no AF
	orr x0, x23, x1
	str x0, [x22, #0]
	mov x1, #0x0787                // page, AF, AP 10 (read-only at EL1)
	orr x0, x23, x1
	str x0, [x22, #8]
	adr x24, el0_code
	mov x1, #0x0747                // page, AF, AP 01 (EL0 and EL1 read/write), executable at EL0
	orr x0, x24, x1
	str x0, [x22, #24]
	mov x1, #0x0707                // page, AF, AP 00 (EL1 only)
	orr x0, x23, x1
	str x0, [x22, #32]
	// TTBR1: level 1 [0] → the RAM block, at VA 0xffff_ff80_0000_0000.
	adr x25, l1hi
	mov x0, #0x40000000
	movk x0, #0x0705
	str x0, [x25]
	// MAIR: attr0 device nGnRnE, attr1 normal write-back.
	mov x0, #0xff00
	msr mair_el1, x0
	// TCR: T0SZ = T1SZ = 25 (39 bits), TG1 4 KiB, IPS 40 bits.
	movz x0, #0x0019
	movk x0, #0x8019, lsl #16
	movk x0, #0x0002, lsl #32
	msr tcr_el1, x0
	msr ttbr0_el1, x20
	msr ttbr1_el1, x25
	isb
	mrs x0, sctlr_el1
	orr x0, x0, #1
	msr sctlr_el1, x0
	isb
	mov x2, #0x09000000
	mov w1, #'M'
	strb w1, [x2]                  // the PL011 through the device block
	mov w1, #'\n'
	strb w1, [x2]
	// Faults at VA 0x8000_0000 + page * 4096.
	mov x3, #0x80000000
	ldr x0, [x3]                   // access flag fault, level 3
	str x0, [x3, #4096]            // permission fault, level 3 (write to read-only)
	ldr x0, [x3, #4096]            // allowed: read-only page holds data
	str x0, [x28], #8
	ldr x0, [x3, #8192]            // translation fault, level 3
	mov x4, #0xc0000000
	ldr x0, [x4]                   // translation fault, level 1
	// TTBR1: the same RAM at the top of the address space.
	mov x5, #0xffffff8000000000
	adr x6, data
	and x6, x6, #0x3fffffff
	ldr x0, [x5, x6]
	str x0, [x28], #8
	// Remap page 1 to data2 and make it visible with TLBI.
	adr x7, data2
	mov x1, #0x0787
	orr x0, x7, x1
	str x0, [x22, #8]
	dsb ishst
	lsr x8, x3, #12
	add x8, x8, #1
	tlbi vae1, x8
	dsb ish
	isb
	ldr x0, [x3, #4096]
	str x0, [x28], #8
	// EL0: runs el0_code at VA 0x8000_3000, which reads the EL1-only page.
	mov x0, #0x80000000
	add x0, x0, #0x3000
	msr elr_el1, x0
	msr spsr_el1, xzr
	eret
after_el0:
	adr x27, log
	print_log
	system_off

// Synchronous exceptions at EL1: log the tag, ESR and FAR - VA 0x8000_0000, and skip the instruction.
el1_sync:
	mrs x10, esr_el1
	mrs x11, far_el1
	mov x12, #0x80000000
	sub x11, x11, x12
	stp x9, x10, [x28], #16
	str x11, [x28], #8
	cmp x9, #0x400
	b.eq from_el0
	mrs x12, elr_el1
	add x12, x12, #4
	msr elr_el1, x12
	eret
from_el0:
	// The EL0 program is done: back to EL1 code, at EL1.
	adr x12, after_el0
	msr elr_el1, x12
	mov x12, #0x3c5
	msr spsr_el1, x12
	eret

	.macro entry tag
	.balign 0x80
	mov x9, #\tag
	b el1_sync
	.endm
	.balign 0x800
vec1:
	.irp off, 0x000, 0x080, 0x100, 0x180, 0x200, 0x280, 0x300, 0x380, 0x400, 0x480, 0x500, 0x580, 0x600, 0x680, 0x700, 0x780
	entry \off
	.endr

	.balign 4096
el0_code:
	mov x3, #0x80000000
	ldr x0, [x3, #0x4000]          // the EL1-only page: permission fault from EL0, level 3
	b .
	.balign 4096
data:	.quad 0x1111222233334444
	.balign 4096
data2:	.quad 0x5555666677778888
	.balign 4096
l1:	.space 4096
l1hi:	.space 4096
l2:	.space 4096
l3:	.space 4096
	.space 1024
stack1:
log:	.space 1024
