#include "redis_float.h"
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Redis's string2ld: the whole input, no leading space, no NaN, no overflow.
static int parse(const unsigned char *s, size_t len, long double *out) {
    char buf[PK_FLOAT_MAX_CHARS];
    if (len == 0 || len >= sizeof(buf)) return 0;
    memcpy(buf, s, len);
    buf[len] = '\0';
    errno = 0;
    char *end;
    long double value = strtold(buf, &end);
    if (isspace((unsigned char)buf[0]) || *end != '\0' || (size_t)(end - buf) != len ||
        (errno == ERANGE && (value == HUGE_VALL || value == -HUGE_VALL || fpclassify(value) == FP_ZERO)) ||
        isnan(value))
        return 0;
    *out = value;
    return 1;
}

int pk_float_valid(const unsigned char *s, size_t len) {
    long double ignored;
    return parse(s, len, &ignored);
}

int pk_float_add(const unsigned char *value, size_t value_len, const unsigned char *incr, size_t incr_len,
                 unsigned char *out, size_t out_len) {
    long double a = 0, b;
    if (value != NULL && !parse(value, value_len, &a)) return -1;
    if (!parse(incr, incr_len, &b)) return -2;
    a += b;
    if (isnan(a) || isinf(a)) return -3;
    // LD_STR_HUMAN: 17 digits after the point, then trailing zeros and a
    // bare point removed, and "-0" printed as "0".
    char buf[PK_FLOAT_MAX_CHARS];
    int n = snprintf(buf, sizeof(buf), "%.17Lf", a);
    if (n < 0 || (size_t)n + 1 > sizeof(buf)) return -4;
    if (strchr(buf, '.') != NULL) {
        while (buf[n - 1] == '0') n--;
        if (buf[n - 1] == '.') n--;
    }
    if (n == 2 && buf[0] == '-' && buf[1] == '0') {
        buf[0] = '0';
        n = 1;
    }
    if ((size_t)n > out_len) return -4;
    memcpy(out, buf, (size_t)n);
    return n;
}
