// Entry point of the freestanding CPU tests: call main(argc, argv), then
// sys_exit (which flushes the output buffer) with its result.
	.text
	.globl _start
	.type _start, %function
_start:
	mov	x29, #0
	mov	x30, #0
	ldr	x0, [sp]
	add	x1, sp, #8
	bl	main
	bl	sys_exit
	b	.
