// Intentionally empty: the target exists to export <sys/epoll.h> and <sys/eventfd.h> to Swift.
#include "CLinux.h"
