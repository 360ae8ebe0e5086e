#include "lib.h"
int main(void) {
  put("hello\n");
  u64 s = 0;
  for (int i = 0; i < 100; i++) s += (u64)i * i;
  putudec(s); put("\n");
  return 3;
}
