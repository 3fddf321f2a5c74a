#ifndef PAXOSKV_CLINUX_H
#define PAXOSKV_CLINUX_H
// Swift's Glibc module does not export these headers.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <malloc.h>
#endif
