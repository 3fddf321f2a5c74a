// CRC-32C for the peer frames: Swift cannot reach the SSE4.2 instruction,
// so it lives here, with the portable table version beside it.
#include "CCRC32C.h"
#include <string.h>

static uint32_t table[8][256];
// Set once at load, before any thread can call in.
static int use_hardware;

int paxoskv_crc32c_is_hardware(void);

__attribute__((constructor)) static void build_table(void) {
    use_hardware = paxoskv_crc32c_is_hardware();
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
        table[0][i] = c;
    }
    for (int k = 1; k < 8; k++)
        for (int i = 0; i < 256; i++) table[k][i] = (table[k - 1][i] >> 8) ^ table[0][table[k - 1][i] & 0xFF];
}

uint32_t paxoskv_crc32c_software(uint32_t crc, const void *bytes, size_t count) {
    const unsigned char *p = bytes;
    uint32_t c = ~crc;
    while (count >= 8) {
        uint32_t lo, hi;
        memcpy(&lo, p, 4);
        memcpy(&hi, p + 4, 4);
        lo ^= c;
        c = table[7][lo & 0xFF] ^ table[6][(lo >> 8) & 0xFF] ^ table[5][(lo >> 16) & 0xFF] ^ table[4][lo >> 24] ^
            table[3][hi & 0xFF] ^ table[2][(hi >> 8) & 0xFF] ^ table[1][(hi >> 16) & 0xFF] ^ table[0][hi >> 24];
        p += 8;
        count -= 8;
    }
    while (count--) c = table[0][(c ^ *p++) & 0xFF] ^ (c >> 8);
    return ~c;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) static uint32_t crc32c_sse42(uint32_t crc, const void *bytes, size_t count) {
    const unsigned char *p = bytes;
    uint64_t c = ~crc;
    while (count >= 8) {
        uint64_t word;
        memcpy(&word, p, 8);
        c = __builtin_ia32_crc32di(c, word);
        p += 8;
        count -= 8;
    }
    uint32_t c32 = (uint32_t)c;
    while (count--) c32 = __builtin_ia32_crc32qi(c32, *p++);
    return ~c32;
}

int paxoskv_crc32c_is_hardware(void) {
    __builtin_cpu_init();  // needed when called from a constructor
    return __builtin_cpu_supports("sse4.2");
}

uint32_t paxoskv_crc32c(uint32_t crc, const void *bytes, size_t count) {
    return use_hardware ? crc32c_sse42(crc, bytes, count) : paxoskv_crc32c_software(crc, bytes, count);
}
#else
int paxoskv_crc32c_is_hardware(void) { return 0; }

uint32_t paxoskv_crc32c(uint32_t crc, const void *bytes, size_t count) {
    return paxoskv_crc32c_software(crc, bytes, count);
}
#endif
