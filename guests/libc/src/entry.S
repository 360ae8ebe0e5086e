// Process entry. The kernel starts us with sp pointing at argc, followed by
// argv[], NULL, envp[], NULL and the auxiliary vector. Clear the frame
// pointer and link register so backtraces end here, and hand the stack
// pointer to C.
        .text
        .globl _start
        .type _start, %function
_start:
        mov     x29, #0
        mov     x30, #0
        mov     x0, sp
        bl      __libc_start
        brk     #0
        .size _start, . - _start

// Signal return trampoline installed as sa_restorer: the kernel's signal
// frame is on the stack when the handler returns here.
        .globl __restore_rt
        .type __restore_rt, %function
__restore_rt:
        mov     x8, #139        // rt_sigreturn
        svc     #0
        .size __restore_rt, . - __restore_rt

        .section .note.GNU-stack,"",%progbits
