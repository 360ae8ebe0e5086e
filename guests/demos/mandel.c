/* mandel: a Mandelbrot explorer on /dev/fb0, driven by /dev/input/event*.
 *
 *   arrows pan · + / - or the wheel zoom (the wheel at the pointer) ·
 *   drag with the left button to pan · c cycles colours · r resets · q quits
 *
 * The set is computed in fixed point (Q4.28 in 64-bit integers: no FPU
 * work per pixel) and progressively — a coarse pass of 8×8 blocks, then
 * every pixel — a few rows at a time between looks at the input, so keys
 * and the pointer answer while a picture is still being drawn. A strip at
 * the bottom shows where we are and animates, and a small cursor follows
 * the pointer. The fbdev and evdev layouts below are the uapi's
 * (linux/fb.h, linux/input.h): our libc has no Linux headers. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define FBIOGET_VSCREENINFO 0x4600
#define FBIOGET_FSCREENINFO 0x4602
/* fb_var_screeninfo: xres, yres are its first two u32 of 40. */
struct fb_var { uint32_t xres, yres, rest[38]; };
/* fb_fix_screeninfo (64-bit): smem_len at byte 24, line_length at byte 48. */
struct fb_fix { char id[16]; uint64_t smem_start; uint32_t smem_len, type, type_aux, visual; uint16_t xpan, ypan, ywrap, pad; uint32_t line_length; uint64_t mmio_start; uint32_t mmio_len, accel; uint16_t caps, reserved[2]; };
struct input_event { int64_t sec, usec; uint16_t type, code; int32_t value; };
#define EV_KEY 1
#define EV_REL 2
#define REL_X 0
#define REL_Y 1
#define REL_WHEEL 8
#define BTN_LEFT 0x110
enum { KEY_Q = 16, KEY_R = 19, KEY_C = 46, KEY_MINUS = 12, KEY_EQUAL = 13, KEY_KPMINUS = 74, KEY_KPPLUS = 78,
       KEY_UP = 103, KEY_LEFT = 105, KEY_RIGHT = 106, KEY_DOWN = 108 };

#define FIX 28
#define ONE ((int64_t)1 << FIX)
#define STRIP 20 /* rows of the status strip */

static uint32_t *fb;
static int W, H, pitch; /* pitch in pixels */
static int viewH;       /* rows of the picture (above the strip) */
static uint8_t *iters;  /* iteration count per pixel, for colour cycling */
static uint32_t palette[256];
static int64_t cx, cy, step; /* centre and Q4.28 units per pixel */
static int maxIter = 96;
static int pass, row; /* progress: pass 0 coarse (8×8), pass 1 fine; row of the pass; pass 2 done */
static int cycle, shift;
static int px, py, dragging;
static uint32_t under[7 * 7]; /* what the cursor hides */

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void make_palette(void) {
  for (int i = 0; i < 256; i++) {
    /* Three phase-shifted triangle waves: smooth bands through blue, gold and white. */
    int r = i * 3 % 512, g = (i * 5 + 170) % 512, b = (i * 7 + 340) % 512;
    r = r < 256 ? r : 511 - r;
    g = g < 256 ? g : 511 - g;
    b = b < 256 ? b : 511 - b;
    palette[i] = (uint32_t)(r << 16 | g << 8 | b);
  }
}

static uint32_t colour(int n) { return n >= maxIter ? 0 : palette[(n * 4 + shift) & 255]; }

static int escape(int64_t x0, int64_t y0) {
  int64_t x = 0, y = 0;
  for (int n = 0; n < maxIter; n++) {
    int64_t xx = (x * x) >> FIX, yy = (y * y) >> FIX;
    if (xx + yy > 4 * ONE) return n;
    y = ((x * y) >> (FIX - 1)) + y0;
    x = xx - yy + x0;
  }
  return maxIter;
}

static void restart(void) {
  pass = 0;
  row = 0;
}

static void reset_view(void) {
  cx = -ONE / 2;
  cy = 0;
  step = (3 * ONE) / W;
  restart();
}

/* Computes one row of the current pass (a row of 8×8 blocks in the coarse pass). */
static void compute_row(void) {
  int blk = pass == 0 ? 8 : 1;
  int y = row;
  int64_t ci = cy + (int64_t)(y - viewH / 2) * step;
  for (int x = 0; x < W; x += blk) {
    int n = escape(cx + (int64_t)(x - W / 2) * step, ci);
    uint32_t c = colour(n);
    for (int dy = 0; dy < blk && y + dy < viewH; dy++)
      for (int dx = 0; dx < blk && x + dx < W; dx++) {
        fb[(y + dy) * pitch + x + dx] = c;
        iters[(y + dy) * W + x + dx] = (uint8_t)(n >= maxIter ? 255 : n);
      }
  }
  row += blk;
  if (row >= viewH) {
    pass++;
    row = 0;
  }
}

static void recolour(void) {
  /* One table lookup a pixel: the colour of each count for this shift, the set (255) black. */
  uint32_t lut[256];
  for (int n = 0; n < 255; n++) lut[n] = palette[(n * 4 + shift) & 255];
  lut[255] = 0;
  for (int y = 0; y < viewH; y++) {
    const uint8_t *it = &iters[y * W];
    uint32_t *row = &fb[y * pitch];
    for (int x = 0; x < W; x++) row[x] = lut[it[x]];
  }
}

/* The status strip: a track with a marker that sweeps, and how far the picture has got. */
static void draw_strip(double t) {
  int y0 = viewH;
  int done = pass >= 2 ? W : (pass * viewH + row) * W / (2 * viewH);
  int marker = (int)((t - (int)t) * (W - 40));
  for (int y = y0; y < H; y++)
    for (int x = 0; x < W; x++) {
      uint32_t c = 0x202830;
      if (y >= y0 + 8 && y < y0 + 12 && x < done) c = 0x40a060;
      if (y >= y0 + 4 && y < H - 4 && x >= marker && x < marker + 40) c = 0xe0c040;
      fb[y * pitch + x] = c;
    }
}

static void cursor(int show) {
  for (int dy = -3; dy <= 3; dy++)
    for (int dx = -3; dx <= 3; dx++) {
      int x = px + dx, y = py + dy;
      if (x < 0 || y < 0 || x >= W || y >= viewH) continue;
      uint32_t *p = &fb[y * pitch + x];
      int i = (dy + 3) * 7 + dx + 3;
      if (show) {
        under[i] = *p;
        if (dx == 0 || dy == 0) *p = 0xffffff;
      } else {
        *p = under[i];
      }
    }
}

static void zoom(int in, int atX, int atY) {
  /* Keep the point under (atX, atY) where it is. */
  int64_t fx = cx + (int64_t)(atX - W / 2) * step, fy = cy + (int64_t)(atY - viewH / 2) * step;
  int64_t ns = in ? step * 2 / 3 : step * 3 / 2;
  if (ns < 4) ns = 4; /* the limit of Q4.28 */
  if (ns > ONE / 16) ns = ONE / 16;
  step = ns;
  cx = fx - (int64_t)(atX - W / 2) * step;
  cy = fy - (int64_t)(atY - viewH / 2) * step;
  maxIter = 96 + (int)(__builtin_clzll((uint64_t)step) - 36) * 24;
  if (maxIter < 96) maxIter = 96;
  if (maxIter > 250) maxIter = 250;
  restart();
}

static int key(int code, int value) {
  if (value == 0) return 1; /* releases: nothing to do */
  switch (code) {
    case KEY_LEFT: cx -= step * W / 8; restart(); break;
    case KEY_RIGHT: cx += step * W / 8; restart(); break;
    case KEY_UP: cy -= step * viewH / 8; restart(); break;
    case KEY_DOWN: cy += step * viewH / 8; restart(); break;
    case KEY_EQUAL: case KEY_KPPLUS: zoom(1, W / 2, viewH / 2); break;
    case KEY_MINUS: case KEY_KPMINUS: zoom(0, W / 2, viewH / 2); break;
    case KEY_R: reset_view(); break;
    case KEY_C: cycle = !cycle; break;
    case KEY_Q: return 0;
  }
  return 1;
}

static void pointer(int dx, int dy) {
  px += dx;
  py += dy;
  if (px < 0) px = 0;
  if (py < 0) py = 0;
  if (px >= W) px = W - 1;
  if (py >= viewH) py = viewH - 1;
  if (dragging && (dx || dy)) {
    cx -= (int64_t)dx * step;
    cy -= (int64_t)dy * step;
    restart();
  }
}

int main(void) {
  int fd = open("/dev/fb0", O_RDWR);
  if (fd < 0) {
    fprintf(stderr, "mandel: /dev/fb0: %s (start lx with --fb WIDTHxHEIGHT)\n", strerror(errno));
    return 1;
  }
  struct fb_var v;
  struct fb_fix f;
  if (ioctl(fd, FBIOGET_VSCREENINFO, &v) < 0 || ioctl(fd, FBIOGET_FSCREENINFO, &f) < 0) {
    fprintf(stderr, "mandel: /dev/fb0: not a framebuffer: %s\n", strerror(errno));
    return 1;
  }
  W = (int)v.xres;
  H = (int)v.yres;
  pitch = (int)f.line_length / 4;
  viewH = H - STRIP;
  fb = mmap(0, f.smem_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  iters = malloc((size_t)W * H);
  if (fb == MAP_FAILED || !iters || viewH < 16) {
    fprintf(stderr, "mandel: no memory for a %dx%d picture\n", W, H);
    return 1;
  }
  int kbd = open("/dev/input/event0", O_RDONLY | O_NONBLOCK);
  int mouse = open("/dev/input/event1", O_RDONLY | O_NONBLOCK);
  printf("mandel: %dx%d; arrows pan, +/- zoom, drag pans, wheel zooms, c cycles colours, r resets, q quits\n", W, H);
  fflush(stdout);
  make_palette();
  reset_view();
  px = W / 2;
  py = viewH / 2;
  double lastStrip = 0;
  for (;;) {
    /* Input first: what the user did decides what to compute. */
    struct input_event ev;
    int quit = 0, moveX = 0, moveY = 0;
    while (kbd >= 0 && read(kbd, &ev, sizeof ev) == sizeof ev)
      if (ev.type == EV_KEY && !key(ev.code, ev.value)) quit = 1;
    while (mouse >= 0 && read(mouse, &ev, sizeof ev) == sizeof ev) {
      if (ev.type == EV_REL && ev.code == REL_X) moveX += ev.value;
      else if (ev.type == EV_REL && ev.code == REL_Y) moveY += ev.value;
      else if (ev.type == EV_REL && ev.code == REL_WHEEL) zoom(ev.value > 0, px, py);
      else if (ev.type == EV_KEY && ev.code == BTN_LEFT) dragging = ev.value != 0;
    }
    if (quit) break;
    cursor(0);
    if (moveX || moveY) pointer(moveX, moveY);
    /* About 30 ms of drawing, then the input again. */
    double t0 = now();
    while (pass < 2 && now() - t0 < 0.03)
      for (int i = 0; i < 4 && pass < 2; i++) compute_row();
    double t = now();
    /* Animation steps at up to 60 a second: what a display shows at best. */
    if (cycle && pass >= 2 && t - lastStrip >= 1.0 / 60) {
      shift = (shift + 3) & 255;
      recolour();
    }
    /* The strip steps at 60 a second while something else moves, at 15 when it alone does:
     * an idle demo should not keep the lab (and the viewer's browser) busy. */
    double period = pass < 2 || cycle ? 1.0 / 60 : 1.0 / 15;
    if (t - lastStrip >= period) {
      draw_strip(t);
      lastStrip = t;
    }
    cursor(1);
    if (pass >= 2 && !cycle) {
      /* Nothing to compute: sleep until input, or the strip's next step. */
      struct pollfd p[2] = {{kbd, POLLIN, 0}, {mouse, POLLIN, 0}};
      poll(p, 2, 66);
    }
  }
  printf("mandel: bye\n");
  return 0;
}
