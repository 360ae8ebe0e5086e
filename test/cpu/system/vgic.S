// A hypervisor at EL2 injects a virtual interrupt through the GICv3 virtual
// CPU interface (test/cpu/system.test.ts): list register 0 holds vINTID 42,
// pending, Group 1, priority 0xa0; with HCR_EL2.IMO, EL1 takes it when it
// unmasks IRQs, acknowledges and ends it through ICC_* (the ICV_* view);
// back at EL2 the list register is empty again.
	.include "common.inc"
	.text
	.global _start
_start:
	adr x28, log
	adr x0, vec1
	msr vbar_el1, x0
	adr x0, vec2
	msr vbar_el2, x0
	mov x0, #0xf
	msr icc_sre_el2, x0
	isb
	mrs x0, ich_vtr_el2
	and x0, x0, #0x1f
	str x0, [x28], #8              // ListRegs: 3 (four list registers)
	movz x0, #0xf000, lsl #16
	orr x0, x0, #2                 // VPMR 0xf0, VENG1
	msr ich_vmcr_el2, x0
	mov x0, #1
	msr ich_hcr_el2, x0            // En
	movz x0, #0x002a
	movk x0, #0x50a0, lsl #48      // pending, Group 1, priority 0xa0, vINTID 42
	msr ich_lr0_el2, x0
	movz x0, #0x8000, lsl #16
	orr x0, x0, #(1 << 4)          // RW, IMO
	msr hcr_el2, x0
	mov x0, #1
	msr icc_sre_el1, x0
	enter_el1 el1, stack1

el1:
	mov x20, #0
	msr daifclr, #2
	isb
	str x20, [x28], #8             // 1: the handler ran
	hvc #0

virq:
	mrs x0, icc_iar1_el1
	str x0, [x28], #8              // 42
	mrs x1, icc_rpr_el1
	str x1, [x28], #8              // 0xa0: running at its priority
	msr icc_eoir1_el1, x0
	mov x20, #1
	eret

at_el2:
	mrs x0, ich_lr0_el2
	str x0, [x28], #8              // state now invalid, the rest kept
	mrs x0, ich_elrsr_el2
	str x0, [x28], #8              // every list register empty
	mrs x0, ich_misr_el2
	str x0, [x28], #8              // no maintenance wanted
	adr x27, log
	print_log
	system_off

	.balign 0x800
vec1:
	.balign 0x80
	b .
	.balign 0x80
	b .
	.balign 0x80
	b .
	.balign 0x80
	b .
	.balign 0x80
	b .                            // 0x200
	.balign 0x80
	b virq                         // 0x280: IRQ at EL1 with SP_EL1
	.balign 0x800
vec2:
	.rept 8
	.balign 0x80
	b .
	.endr
	.balign 0x80
	b at_el2                       // 0x400: synchronous from a lower EL (the HVC)
	.balign 16
	.space 512
stack1:
log:	.space 512
