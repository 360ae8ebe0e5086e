// Entry, vector tables and the switches between exception levels.
//
// QEMU virt with virtualization=on (and no EL3) starts the boot CPU at EL2h
// at the ELF entry with DAIF masked, the MMU off and x0 = 0 (the DTB is not
// loaded when the ELF starts at the base of RAM); PSCI CPU_ON starts a
// secondary at EL2 too, at its entry with x0 = the context id. Both paths
// set up EL2 the same way, so a test sees the same state on every CPU.

#define FRAME_SIZE 288 // sizeof(struct frame)
#define STACK_SIZE 0x4000
#define RT_EXIT_IMM 0xfff0
// SCTLR_ELx: the RES1 bits of ARMv8.0, MMU and caches off, SA (and SA0 at
// EL1) on so that a misaligned SP used as a base faults.
#define SCTLR_EL2_INIT 0x30c50838
#define SCTLR_EL1_INIT 0x30d00818
#define HCR_RW (1 << 31) // EL1 is AArch64

// Saves x19-x30 and SP at [\ctx], the state rt_resume returns to.
.macro save_ctx ctx
	stp	x19, x20, [\ctx, #0]
	stp	x21, x22, [\ctx, #16]
	stp	x23, x24, [\ctx, #32]
	stp	x25, x26, [\ctx, #48]
	stp	x27, x28, [\ctx, #64]
	stp	x29, x30, [\ctx, #80]
	mov	x11, sp
	str	x11, [\ctx, #96]
.endm

	.section .text.boot, "ax"
	.globl _start
_start:
	bl	el2_setup
	// The boot CPU clears BSS before any C runs; secondaries start later.
	ldr	x1, =__bss_start
	ldr	x2, =__bss_end
1:	cmp	x1, x2
	b.hs	2f
	str	xzr, [x1], #8
	b	1b
2:	bl	rt_main_el2
	b	.

	.globl _secondary
_secondary:
	bl	el2_setup
	bl	rt_secondary_el2
	b	.

// Everything a CPU needs before C at EL2: stacks, vectors, and the EL2
// controls that let EL1 run without traps. Only x9-x11 change (x0 keeps
// the DTB address or context id, though nothing reads it yet).
el2_setup:
	mrs	x9, CurrentEL
	cmp	x9, #(2 << 2)
	b.ne	not_el2
	mrs	x9, mpidr_el1
	and	x9, x9, #0xff
	add	x9, x9, #1
	ldr	x10, =el2_stacks
	mov	x11, #STACK_SIZE
	madd	x10, x9, x11, x10
	mov	sp, x10
	ldr	x10, =el1_stacks
	madd	x10, x9, x11, x10
	msr	sp_el1, x10
	ldr	x10, =el2_vectors
	msr	vbar_el2, x10
	ldr	x10, =el1_vectors
	msr	vbar_el1, x10
	mov	x10, #HCR_RW
	msr	hcr_el2, x10
	mov	x10, #3 // CNTHCTL_EL2.EL1PCEN|EL1PCTEN: EL1 may use the physical timer
	msr	cnthctl_el2, x10
	msr	cntvoff_el2, xzr
	mov	x10, #0x33ff // CPTR_EL2: RES1 bits, TFP clear
	msr	cptr_el2, x10
	msr	hstr_el2, xzr
	msr	vttbr_el2, xzr
	mov	x10, #(3 << 20) // CPACR_EL1.FPEN: no FP traps at EL1/EL0
	msr	cpacr_el1, x10
	mov	x10, #0xf // ICC_SRE_EL2: SRE, DFB, DIB, Enable (EL1 may use ICC_SRE_EL1)
	msr	S3_4_C12_C9_5, x10
	ldr	x10, =SCTLR_EL2_INIT
	msr	sctlr_el2, x10
	ldr	x10, =SCTLR_EL1_INIT
	msr	sctlr_el1, x10
	isb
	ret

// Not at EL2: nothing of the runtime can work, so say so and power off
// (SMC #0 with SYSTEM_OFF is the PSCI call at EL1 as well).
not_el2:
	ldr	x1, =UART_MSG
	mov	x2, #0x09000000
3:	ldrb	w3, [x1], #1
	cbz	w3, 4f
	str	w3, [x2]
	b	3b
4:	ldr	x0, =0x84000008
	smc	#0
	b	.

	.section .rodata
UART_MSG:
	.asciz	"FAIL not entered at EL2\n"

	.text
// u64 run_el1(u64 (*fn)(u64), u64 arg) at EL2: see rt.h.
	.globl run_el1
run_el1:
	mrs	x9, mpidr_el1
	and	x9, x9, #0xff
	ldr	x10, =rt_ctx_el2
	add	x10, x10, x9, lsl #7
	save_ctx x10
	// A fresh EL1 stack for every run.
	add	x9, x9, #1
	ldr	x10, =el1_stacks
	mov	x11, #STACK_SIZE
	madd	x10, x9, x11, x10
	msr	sp_el1, x10
	ldr	x10, =el1_trampoline
	msr	elr_el2, x10
	mov	x10, #0x3c5 // EL1h, DAIF masked
	msr	spsr_el2, x10
	eret

el1_trampoline:
	mov	x9, x0
	mov	x0, x1
	blr	x9
	hvc	#RT_EXIT_IMM

// u64 run_el0(u64 pc, u64 sp, u64 x0, u64 x1) at EL1: see rt.h.
	.globl run_el0
run_el0:
	mrs	x9, mpidr_el1
	and	x9, x9, #0xff
	ldr	x10, =rt_ctx_el1
	add	x10, x10, x9, lsl #7
	save_ctx x10
	msr	elr_el1, x0
	msr	sp_el0, x1
	mov	x10, #0x3c0 // EL0t, DAIF masked
	msr	spsr_el1, x10
	mov	x0, x2
	mov	x1, x3
	eret

// void rt_resume(u64 *ctx, u64 value): returns value from the run_el1 or
// run_el0 that saved ctx, discarding the exception frame (the handler's
// stack lies below the saved SP).
	.globl rt_resume
rt_resume:
	ldp	x19, x20, [x0, #0]
	ldp	x21, x22, [x0, #16]
	ldp	x23, x24, [x0, #32]
	ldp	x25, x26, [x0, #48]
	ldp	x27, x28, [x0, #64]
	ldp	x29, x30, [x0, #80]
	ldr	x9, [x0, #96]
	mov	sp, x9
	mov	x0, x1
	ret

// ---- vector tables: 16 entries of 0x80 bytes each (Arm ARM D1.10.2). Each
// entry saves x0/x1, puts its own offset in x1 and branches to the common
// save path of its level.
.macro ventry el, off
	.balign	0x80
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp]
	mov	x1, #\off
	b	exc_save_el\el
.endm

.macro vector_table el
	.balign	0x800
	.globl	el\el\()_vectors
el\el\()_vectors:
	ventry	\el, 0x000 // current EL with SP_EL0: synchronous
	ventry	\el, 0x080 //   IRQ
	ventry	\el, 0x100 //   FIQ
	ventry	\el, 0x180 //   SError
	ventry	\el, 0x200 // current EL with SP_ELx
	ventry	\el, 0x280
	ventry	\el, 0x300
	ventry	\el, 0x380
	ventry	\el, 0x400 // lower EL, AArch64
	ventry	\el, 0x480
	ventry	\el, 0x500
	ventry	\el, 0x580
	ventry	\el, 0x600 // lower EL, AArch32
	ventry	\el, 0x680
	ventry	\el, 0x700
	ventry	\el, 0x780
.endm

.macro exc_save el
exc_save_el\el:
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	str	x30, [sp, #240]
	mrs	x2, elr_el\el
	mrs	x3, spsr_el\el
	stp	x2, x3, [sp, #248]
	mrs	x2, esr_el\el
	mrs	x3, far_el\el
	stp	x2, x3, [sp, #264]
	str	x1, [sp, #280]
	mov	x0, sp
	bl	rt_exception_el\el
	// The handler may have changed the return address, state or registers.
	ldp	x2, x3, [sp, #248]
	msr	elr_el\el, x2
	msr	spsr_el\el, x3
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	ldr	x30, [sp, #240]
	ldp	x0, x1, [sp]
	add	sp, sp, #FRAME_SIZE
	eret
.endm

	.section .text.vectors, "ax"
	vector_table 1
	vector_table 2
	exc_save 1
	exc_save 2

	.bss
	.balign	16
	.globl	rt_ctx_el1, rt_ctx_el2
rt_ctx_el1:
	.space	128 * 2 // NCPUS slots of x19-x30 and SP
rt_ctx_el2:
	.space	128 * 2

	.section .stacks, "aw", %nobits
	.balign	16
el2_stacks:
	.space	STACK_SIZE * 2
el1_stacks:
	.space	STACK_SIZE * 2
