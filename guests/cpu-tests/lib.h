// Tiny freestanding runtime for the CPU tests: write/exit system calls and
// printing helpers. No libc.
#pragma once
typedef unsigned long u64;
typedef long i64;
typedef unsigned int u32;
typedef int i32;
typedef unsigned short u16;
typedef unsigned char u8;
typedef signed char i8;
typedef short i16;
typedef unsigned long size_t;

long sys_write(int fd, const void *buf, unsigned long len);
void sys_exit(int code) __attribute__((noreturn));
void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

void put(const char *s);
void putc_(char c);
void puthex(u64 v);            /* 16 hex digits */
void putdec(i64 v);
void putudec(u64 v);
void flush(void);
/* "name=hex\n" */
void show(const char *name, u64 v);
/* Prevent constant folding. */
#define OPAQUE(x) ({ __typeof__(x) _v = (x); __asm__ volatile("" : "+r"(_v)); _v; })
