/*
 * /dev/fb0 and /dev/input/event* under lx (lx --fb): the fbdev ioctls, a
 * shared mapping that is the framebuffer itself, write/lseek on the device,
 * and evdev reads woken through poll. The test driving it (test/lx/fbdev.test.ts)
 * sends a key and pointer motion once it prints "ready", and checks the
 * picture it drew through the lab's display.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fb.h>
#include <linux/input.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define CHECK(c) do { if (!(c)) { printf("FAIL line %d: %s (errno %d)\n", __LINE__, #c, errno); return 1; } } while (0)

static int bit(const unsigned char *b, int n) { return (b[n / 8] >> (n % 8)) & 1; }

int main(void) {
  /* Line by line: the test waits for lines before it sends more input. */
  setvbuf(stdout, NULL, _IOLBF, 0);
  int fb = open("/dev/fb0", O_RDWR);
  CHECK(fb >= 0);
  struct fb_var_screeninfo v;
  struct fb_fix_screeninfo f;
  CHECK(ioctl(fb, FBIOGET_VSCREENINFO, &v) == 0);
  CHECK(ioctl(fb, FBIOGET_FSCREENINFO, &f) == 0);
  printf("mode %ux%u bpp %u line %u smem %u visual %u red %u/%u\n", v.xres, v.yres, v.bits_per_pixel, f.line_length, f.smem_len,
         f.visual, v.red.offset, v.red.length);
  CHECK(ioctl(fb, FBIOPUT_VSCREENINFO, &v) == 0);
  CHECK(ioctl(fb, FBIOPAN_DISPLAY, &v) == 0);
  struct fb_var_screeninfo other = v;
  other.bits_per_pixel = 16;
  CHECK(ioctl(fb, FBIOPUT_VSCREENINFO, &other) == -1 && errno == EINVAL);
  other = v;
  other.yoffset = 1;
  CHECK(ioctl(fb, FBIOPAN_DISPLAY, &other) == -1 && errno == EINVAL);

  /* Draw through a shared mapping: pixel (x, y) = x in blue, y in green. */
  uint32_t *px = mmap(0, f.smem_len, PROT_READ | PROT_WRITE, MAP_SHARED, fb, 0);
  CHECK(px != MAP_FAILED);
  for (unsigned y = 0; y < v.yres; y++)
    for (unsigned x = 0; x < v.xres; x++) px[y * (f.line_length / 4) + x] = (y << 8) | x;
  /* The device's write sees the mapping's memory and the mapping sees the write. */
  uint32_t red = 0x00ff0000, back = 0;
  CHECK(pwrite(fb, &red, 4, 4) == 4);
  CHECK(px[1] == red);
  CHECK(pread(fb, &back, 4, f.line_length) == 4 && back == (1 << 8));
  CHECK(lseek(fb, 0, SEEK_END) == (off_t)f.smem_len);
  CHECK(write(fb, &red, 4) == -1 && errno == ENOSPC);
  /* A private mapping is a copy: writes to it stay there. */
  uint32_t *priv = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fb, 0);
  CHECK(priv != MAP_FAILED && priv[1] == red);
  priv[0] = 0x123456;
  CHECK(px[0] == 0);
  munmap(priv, 4096);

  int kbd = open("/dev/input/event0", O_RDONLY | O_NONBLOCK);
  int mouse = open("/dev/input/event1", O_RDONLY);
  CHECK(kbd >= 0 && mouse >= 0);
  char name[64] = "";
  CHECK(ioctl(kbd, EVIOCGNAME(sizeof name), name) > 0);
  unsigned char evbits[8] = {0}, relbits[8] = {0};
  CHECK(ioctl(mouse, EVIOCGBIT(0, sizeof evbits), evbits) >= 0);
  CHECK(ioctl(mouse, EVIOCGBIT(EV_REL, sizeof relbits), relbits) >= 0);
  struct input_id id;
  CHECK(ioctl(kbd, EVIOCGID, &id) == 0);
  printf("keyboard '%s' bus %u; mouse has EV_REL %d REL_X %d REL_WHEEL %d\n", name, id.bustype, bit(evbits, EV_REL), bit(relbits, REL_X),
         bit(relbits, REL_WHEEL));
  CHECK(ioctl(kbd, EVIOCGRAB, 1) == 0);
  struct input_event ev;
  CHECK(read(kbd, &ev, sizeof ev) == -1 && errno == EAGAIN);
  printf("ready\n");
  fflush(stdout);

  /* Until KEY_Q goes up: report events, draw a white pixel per key press. */
  int presses = 0;
  for (;;) {
    struct pollfd p[2] = {{kbd, POLLIN, 0}, {mouse, POLLIN, 0}};
    int n = poll(p, 2, 20000);
    CHECK(n > 0);
    for (int i = 0; i < 2; i++) {
      if (!(p[i].revents & POLLIN)) continue;
      /* The keyboard is non-blocking: read it dry. The mouse blocks: one event per poll. */
      while (read(p[i].fd, &ev, sizeof ev) == sizeof ev) {
        if (ev.type != EV_SYN) printf("%s type %u code %u value %d\n", i ? "mouse" : "kbd", ev.type, ev.code, ev.value);
        if (ev.type == EV_KEY && ev.value == 1) px[presses++] = 0x00ffffff;
        if (ev.type == EV_KEY && ev.code == KEY_Q && ev.value == 0) {
          printf("done\n");
          return 0;
        }
        if (i == 1) break;
      }
    }
  }
}
