#ifndef PAXOSKV_CCRC32C_H
#define PAXOSKV_CCRC32C_H
#include <stddef.h>
#include <stdint.h>

// CRC-32C (Castagnoli), continuing from `crc` (0 to start): the SSE4.2
// crc32 instruction where the CPU has it, else a slicing-by-8 table.
uint32_t paxoskv_crc32c(uint32_t crc, const void *bytes, size_t count);

// The table version alone, so tests can hold the two equal.
uint32_t paxoskv_crc32c_software(uint32_t crc, const void *bytes, size_t count);

// 1 when paxoskv_crc32c uses the CPU instruction.
int paxoskv_crc32c_is_hardware(void);
#endif
