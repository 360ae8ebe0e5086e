// Entry point of the freestanding CPU tests: call main(argc, argv), then
// sys_exit (which flushes the output buffer) with its result. The x86-64
// build is the benchmark's for `l4lab bench cpu --arch x86_64`.
	.text
	.globl _start
#if defined(__x86_64__)
	.type _start, @function
_start:
	xor	%ebp, %ebp
	mov	(%rsp), %rdi
	lea	8(%rsp), %rsi
	and	$-16, %rsp
	call	main
	mov	%eax, %edi
	call	sys_exit
	hlt
#else
	.type _start, %function
_start:
	mov	x29, #0
	mov	x30, #0
	ldr	x0, [sp]
	add	x1, sp, #8
	bl	main
	bl	sys_exit
	b	.
#endif
