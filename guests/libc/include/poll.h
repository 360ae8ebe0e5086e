#ifndef _POLL_H
#define _POLL_H

struct pollfd {
  int fd;
  short events, revents;
};
#define POLLIN 0x001
#define POLLPRI 0x002
#define POLLOUT 0x004
#define POLLERR 0x008
#define POLLHUP 0x010
#define POLLNVAL 0x020

/* poll on top of ppoll; timeout in milliseconds, negative waits forever. */
int poll(struct pollfd *fds, unsigned long n, int timeout);

#endif
