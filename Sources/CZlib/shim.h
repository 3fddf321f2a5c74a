#ifndef PAXOSKV_CZLIB_SHIM_H
#define PAXOSKV_CZLIB_SHIM_H
#include <zlib.h>
#endif
