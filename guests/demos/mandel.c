/* mandel: a Mandelbrot explorer on /dev/fb0, driven by /dev/input/event*.
 *
 *   arrows pan (held: a smooth pan) · + / - or the wheel zoom (the wheel at
 *   the pointer) · drag with the left button to pan · c cycles colours ·
 *   r resets · q quits
 *
 * The set is computed in fixed point (Q4.28 in 64-bit integers: no FPU
 * work per pixel) and progressively — a coarse pass of 8×8 blocks, then
 * every pixel — a few rows at a time between looks at the input, so keys
 * and the pointer answer while a picture is still being drawn. A pan moves
 * what stays in view and computes only the strip that comes into view,
 * coarsely (4×4 blocks), so it keeps up with the display; the fine pass
 * refines the picture when the pan stops. A strip at the bottom shows where
 * we are and animates, and a small cursor follows the pointer: the tablet's
 * absolute position (/dev/input/event2), or the mouse's motion when there is
 * no tablet. The fbdev and evdev layouts below are the uapi's (linux/fb.h,
 * linux/input.h): our libc has no Linux headers. */
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
#define EV_ABS 3
#define ABS_X 0
#define ABS_Y 1
#define REL_X 0
#define REL_Y 1
#define REL_WHEEL 8
#define BTN_LEFT 0x110
enum { KEY_Q = 16, KEY_R = 19, KEY_C = 46, KEY_MINUS = 12, KEY_EQUAL = 13, KEY_KPMINUS = 74, KEY_KPPLUS = 78,
       KEY_UP = 103, KEY_LEFT = 105, KEY_RIGHT = 106, KEY_DOWN = 108 };

#define FIX 28
#define ONE ((int64_t)1 << FIX)
#define STRIP 20 /* rows of the status strip */
#define PAN_STEP 8 /* pixels a frame while an arrow is held */
#define PAN_TAP 64 /* pixels a press pans at once */
#define COARSE 4 /* block size of strips a pan brings into view */

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
static int held; /* arrows held: 1 left, 2 right, 4 up, 8 down */
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

/* Computes [x0, x1) × [y0, y1) of the picture in blk × blk blocks, each the colour of its corner. */
static void fill_region(int x0, int y0, int x1, int y1, int blk) {
  for (int y = y0; y < y1; y += blk) {
    int64_t ci = cy + (int64_t)(y - viewH / 2) * step;
    for (int x = x0; x < x1; x += blk) {
      int n = escape(cx + (int64_t)(x - W / 2) * step, ci);
      uint32_t c = colour(n);
      uint8_t it = (uint8_t)(n >= maxIter ? 255 : n);
      for (int yy = y; yy < y + blk && yy < y1; yy++)
        for (int xx = x; xx < x + blk && xx < x1; xx++) {
          fb[yy * pitch + xx] = c;
          iters[yy * W + xx] = it;
        }
    }
  }
}

/* Moves the view by (dx, dy) pixels: the part that stays in view is moved, only the strips
 * that come into view are computed (coarsely), and the fine pass starts over to refine them. */
static void scroll(int dx, int dy) {
  if (!dx && !dy) return;
  cx += (int64_t)dx * step;
  cy += (int64_t)dy * step;
  if (abs(dx) >= W || abs(dy) >= viewH) {
    restart();
    return;
  }
  int keep = viewH - abs(dy);
  if (dy > 0) {
    memmove(fb, fb + dy * pitch, (size_t)keep * pitch * 4);
    memmove(iters, iters + dy * W, (size_t)keep * W);
    fill_region(0, keep, W, viewH, COARSE);
  } else if (dy < 0) {
    memmove(fb - dy * pitch, fb, (size_t)keep * pitch * 4);
    memmove(iters - dy * W, iters, (size_t)keep * W);
    fill_region(0, 0, W, -dy, COARSE);
  }
  if (dx) {
    int n = W - abs(dx);
    for (int y = 0; y < viewH; y++) {
      uint32_t *r = fb + y * pitch;
      uint8_t *it = iters + y * W;
      if (dx > 0) {
        memmove(r, r + dx, (size_t)n * 4);
        memmove(it, it + dx, (size_t)n);
      } else {
        memmove(r - dx, r, (size_t)n * 4);
        memmove(it - dx, it, (size_t)n);
      }
    }
    if (dx > 0) fill_region(n, 0, W, viewH, COARSE);
    else fill_region(0, 0, -dx, viewH, COARSE);
  }
  /* A coarse pass still running goes on (its rows below are stale either way); else refine anew. */
  if (pass > 0) {
    pass = 1;
    row = 0;
  }
}

/* The pan of the arrows held now: -1, 0 or 1 a direction. */
static int held_dx(void) { return ((held & 2) != 0) - ((held & 1) != 0); }
static int held_dy(void) { return ((held & 8) != 0) - ((held & 4) != 0); }

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
  int arrow = code == KEY_LEFT ? 1 : code == KEY_RIGHT ? 2 : code == KEY_UP ? 4 : code == KEY_DOWN ? 8 : 0;
  /* An arrow pans while held: a press pans a step at once, the main loop goes on until the release. */
  if (arrow && value == 0) held &= ~arrow;
  if (value != 1) return 1; /* releases, and autorepeat (value 2): a held arrow already pans */
  switch (code) {
    case KEY_LEFT: case KEY_RIGHT: case KEY_UP: case KEY_DOWN:
      held |= arrow;
      scroll(held_dx() * PAN_TAP, held_dy() * PAN_TAP);
      break;
    case KEY_EQUAL: case KEY_KPPLUS: zoom(1, W / 2, viewH / 2); break;
    case KEY_MINUS: case KEY_KPMINUS: zoom(0, W / 2, viewH / 2); break;
    case KEY_R: reset_view(); break;
    case KEY_C: cycle = !cycle; break;
    case KEY_Q: return 0;
  }
  return 1;
}

/* The pointer moves to (x, y); a drag pans the picture with it. */
static void pointer(int x, int y) {
  if (x < 0) x = 0;
  if (y < 0) y = 0;
  if (x >= W) x = W - 1;
  if (y >= viewH) y = viewH - 1;
  if (dragging) scroll(px - x, py - y);
  px = x;
  py = y;
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
  /* The tablet says where the pointer is; a mouse only how it moved (the cursor could drift). */
  int tablet = open("/dev/input/event2", O_RDONLY | O_NONBLOCK);
  int mouse = tablet >= 0 ? tablet : open("/dev/input/event1", O_RDONLY | O_NONBLOCK);
  printf("mandel: %dx%d; arrows pan, +/- zoom, drag pans, wheel zooms, c cycles colours, r resets, q quits\n", W, H);
  fflush(stdout);
  make_palette();
  reset_view();
  px = W / 2;
  py = viewH / 2;
  double lastStrip = 0, lastPan = 0;
  for (;;) {
    /* Input first: what the user did decides what to compute. */
    struct input_event ev;
    int quit = 0, toX = px, toY = py;
    cursor(0);
    while (kbd >= 0 && read(kbd, &ev, sizeof ev) == sizeof ev)
      if (ev.type == EV_KEY && !key(ev.code, ev.value)) quit = 1;
    while (mouse >= 0 && read(mouse, &ev, sizeof ev) == sizeof ev) {
      if (ev.type == EV_ABS && ev.code == ABS_X) toX = ev.value;
      else if (ev.type == EV_ABS && ev.code == ABS_Y) toY = ev.value;
      else if (ev.type == EV_REL && ev.code == REL_X) toX += ev.value;
      else if (ev.type == EV_REL && ev.code == REL_Y) toY += ev.value;
      else if (ev.type == EV_REL && ev.code == REL_WHEEL) zoom(ev.value > 0, px, py);
      else if (ev.type == EV_KEY && ev.code == BTN_LEFT) {
        /* The button changes where it is: what moved before it is not part of the drag. */
        pointer(toX, toY);
        dragging = ev.value != 0;
      }
    }
    if (quit) break;
    pointer(toX, toY);
    double t = now();
    if (held) {
      /* Panning: one step a frame, at most 60 frames a second, nothing else computed meanwhile. */
      if (t - lastPan >= 1.0 / 60) {
        scroll(held_dx() * PAN_STEP, held_dy() * PAN_STEP);
        lastPan = t;
      }
    } else {
      /* About 30 ms of drawing, then the input again. */
      while (pass < 2 && now() - t < 0.03)
        for (int i = 0; i < 4 && pass < 2; i++) compute_row();
      t = now();
    }
    /* Animation steps at up to 60 a second: what a display shows at best. */
    if (cycle && pass >= 2 && t - lastStrip >= 1.0 / 60) {
      shift = (shift + 3) & 255;
      recolour();
    }
    /* The strip steps at 60 a second while something else moves, at 15 when it alone does:
     * an idle demo should not keep the lab (and the viewer's browser) busy. */
    double period = pass < 2 || cycle || held ? 1.0 / 60 : 1.0 / 15;
    if (t - lastStrip >= period) {
      draw_strip(t);
      lastStrip = t;
    }
    cursor(1);
    if (held || (pass >= 2 && !cycle)) {
      /* Nothing to compute before the next pan step or strip step: sleep until then, or input. */
      double next = held ? lastPan + 1.0 / 60 : lastStrip + period;
      int ms = (int)((next - now()) * 1000) + 1;
      struct pollfd p[2] = {{kbd, POLLIN, 0}, {mouse, POLLIN, 0}};
      if (ms > 0) poll(p, 2, ms);
    }
  }
  printf("mandel: bye\n");
  return 0;
}
