/* A stack-based bytecode interpreter (switch dispatch) running a small
 * program: count the primes below a limit by trial division, and sum them. */
#include <stdint.h>
#include <stdio.h>

#include "bench.h"

enum op {
  OP_PUSH,  /* imm */
  OP_LOAD,  /* slot */
  OP_STORE, /* slot */
  OP_ADD,
  OP_SUB,
  OP_MUL,
  OP_REM,
  OP_LT,
  OP_JMP, /* target */
  OP_JZ,  /* target */
  OP_HALT
};

#define NSLOTS 8

static int64_t run(const int32_t *code, int64_t *slots) {
  int64_t stack[64];
  int sp = 0, pc = 0;
  for (;;) {
    int32_t op = code[pc++];
    switch (op) {
    case OP_PUSH:
      stack[sp++] = code[pc++];
      break;
    case OP_LOAD:
      stack[sp++] = slots[code[pc++]];
      break;
    case OP_STORE:
      slots[code[pc++]] = stack[--sp];
      break;
    case OP_ADD:
      sp--, stack[sp - 1] += stack[sp];
      break;
    case OP_SUB:
      sp--, stack[sp - 1] -= stack[sp];
      break;
    case OP_MUL:
      sp--, stack[sp - 1] *= stack[sp];
      break;
    case OP_REM:
      sp--, stack[sp - 1] %= stack[sp];
      break;
    case OP_LT:
      sp--, stack[sp - 1] = stack[sp - 1] < stack[sp];
      break;
    case OP_JMP:
      pc = code[pc];
      break;
    case OP_JZ:
      pc = stack[--sp] ? pc + 1 : code[pc];
      break;
    default:
      return sp ? stack[sp - 1] : 0;
    }
  }
}

int main(int argc, char **argv) {
  int64_t limit = bench_is_quick(argc, argv) ? 30000 : 400000;
  /* The program, assembled with labels (slots: 0 n, 1 limit, 2 d,
   * 3 is_prime, 4 count, 5 sum):
   *   for (n = 2; n < limit; n++) {
   *     is_prime = 1;
   *     for (d = 2; d * d < n + 1; d++) if (n % d == 0) { is_prime = 0; break;
   * } if (is_prime) count++, sum += n;
   *   } */
  int32_t code[128];
  int pc = 0, l_outer, l_inner, l_notprime, l_after, l_next, l_end;
  int p_end, p_after, p_notprime, p_next;
#define EMIT(x) (code[pc++] = (x))
  EMIT(OP_PUSH), EMIT(2), EMIT(OP_STORE), EMIT(0);
  l_outer = pc;
  EMIT(OP_LOAD), EMIT(0), EMIT(OP_LOAD), EMIT(1), EMIT(OP_LT), EMIT(OP_JZ);
  p_end = pc, EMIT(0);
  EMIT(OP_PUSH), EMIT(1), EMIT(OP_STORE), EMIT(3);
  EMIT(OP_PUSH), EMIT(2), EMIT(OP_STORE), EMIT(2);
  l_inner = pc;
  EMIT(OP_LOAD), EMIT(2), EMIT(OP_LOAD), EMIT(2), EMIT(OP_MUL);
  EMIT(OP_LOAD), EMIT(0), EMIT(OP_PUSH), EMIT(1), EMIT(OP_ADD), EMIT(OP_LT);
  EMIT(OP_JZ), p_after = pc, EMIT(0);
  EMIT(OP_LOAD), EMIT(0), EMIT(OP_LOAD), EMIT(2), EMIT(OP_REM);
  EMIT(OP_JZ), p_notprime = pc, EMIT(0);
  EMIT(OP_LOAD), EMIT(2), EMIT(OP_PUSH), EMIT(1), EMIT(OP_ADD);
  EMIT(OP_STORE), EMIT(2), EMIT(OP_JMP), EMIT(l_inner);
  l_notprime = pc;
  EMIT(OP_PUSH), EMIT(0), EMIT(OP_STORE), EMIT(3);
  l_after = pc;
  EMIT(OP_LOAD), EMIT(3), EMIT(OP_JZ), p_next = pc, EMIT(0);
  EMIT(OP_LOAD), EMIT(4), EMIT(OP_PUSH), EMIT(1), EMIT(OP_ADD);
  EMIT(OP_STORE), EMIT(4);
  EMIT(OP_LOAD), EMIT(5), EMIT(OP_LOAD), EMIT(0), EMIT(OP_ADD);
  EMIT(OP_STORE), EMIT(5);
  l_next = pc;
  EMIT(OP_LOAD), EMIT(0), EMIT(OP_PUSH), EMIT(1), EMIT(OP_ADD);
  EMIT(OP_STORE), EMIT(0), EMIT(OP_JMP), EMIT(l_outer);
  l_end = pc;
  EMIT(OP_LOAD), EMIT(5), EMIT(OP_HALT);
#undef EMIT
  code[p_end] = l_end, code[p_after] = l_after;
  code[p_notprime] = l_notprime, code[p_next] = l_next;

  int64_t slots[NSLOTS] = {0, limit};
  bench_start();
  int64_t result = run(code, slots);
  bench_end();
  printf("interp limit=%lld primes=%lld sum=%lld\n", (long long)limit,
         (long long)slots[4], (long long)result);
  return 0;
}
