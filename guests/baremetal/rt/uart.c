// PL011 at 0x0900_0000 (QEMU virt's /pl011@9000000), polled: a character
// waits for room in the transmit FIFO and no interrupt is ever enabled.
#include "rt.h"

enum { UARTDR = 0x000, UARTFR = 0x018, UARTCR = 0x030 };
#define FR_TXFF (1u << 5)
#define CR_UARTEN (1u << 0)
#define CR_TXE (1u << 8)

static inline volatile u32 *reg(unsigned off) { return (volatile u32 *)(UART_BASE + off); }

void uart_init(void) { *reg(UARTCR) = CR_UARTEN | CR_TXE; }

void putch(int c) {
  while (*reg(UARTFR) & FR_TXFF) {
  }
  *reg(UARTDR) = (u32)(unsigned char)c;
}

void putstr(const char *s) {
  while (*s) putch(*s++);
}
