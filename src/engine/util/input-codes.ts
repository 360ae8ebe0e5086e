/**
 * Linux's input event types and codes (uapi input-event-codes.h) that the
 * lab's input paths share: lx's evdev devices and the virtio-input devices of
 * a Linux VM speak them, and a display's input (devices/display.ts) is given
 * in them, so both pass the lab's events on unchanged.
 */
export const EV_SYN = 0x00
export const EV_KEY = 0x01
export const EV_REL = 0x02
export const EV_ABS = 0x03
export const EV_LED = 0x11
export const EV_REP = 0x14
export const SYN_REPORT = 0
export const SYN_DROPPED = 3
export const REL_X = 0x00
export const REL_Y = 0x01
export const REL_WHEEL = 0x08
export const ABS_X = 0x00
export const ABS_Y = 0x01
export const BTN_LEFT = 0x110
export const BTN_RIGHT = 0x111
export const BTN_MIDDLE = 0x112
