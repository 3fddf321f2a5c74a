#ifndef PAXOSKV_REDIS_FLOAT_H
#define PAXOSKV_REDIS_FLOAT_H
// INCRBYFLOAT as Redis computes it: C long double (x87 80-bit on x86-64,
// which Swift cannot name portably), parsed as Redis's string2ld and
// printed as its LD_STR_HUMAN. Every replica of a cluster must run on the
// same CPU architecture for the results to agree bit for bit.
#include <stddef.h>

enum { PK_FLOAT_MAX_CHARS = 5 * 1024 };

/// 1 when `s` (not NUL-terminated) is a float Redis accepts, else 0.
int pk_float_valid(const unsigned char *s, size_t len);

/// Writes `value + incr` to `out` (no NUL) and returns its length; -1 when
/// `value` is not a valid float, -2 when `incr` is not, -3 when the sum is
/// NaN or infinite, -4 when `out` is too small.
int pk_float_add(const unsigned char *value, size_t value_len, const unsigned char *incr, size_t incr_len,
                 unsigned char *out, size_t out_len);
#endif
