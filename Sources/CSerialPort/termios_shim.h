#ifndef TRACKERD_CSERIALPORT_TERMIOS_SHIM_H
#define TRACKERD_CSERIALPORT_TERMIOS_SHIM_H
/*
 * Helpers Swift cannot import directly: variadic ioctl(2), the major() macro,
 * and CRTSCTS, whose value does not fit the Int32 Swift gives other termios flags.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <termios.h>
#ifdef __linux__
#include <sys/sysmacros.h>
#endif

/* Swift's C library module is built without _XOPEN_SOURCE, which hides these three
 * (POSIX.1-2017 XSI); the declarations below match the C library's own. */
extern int posix_openpt(int flags);
extern int grantpt(int fd);
extern int unlockpt(int fd);

static inline int trackerd_posix_openpt(int flags) { return posix_openpt(flags); }
static inline int trackerd_grantpt(int fd) { return grantpt(fd); }
static inline int trackerd_unlockpt(int fd) { return unlockpt(fd); }

/* Raises (on != 0) or drops the DTR modem-control line; returns -1 with errno on failure. */
static inline int trackerd_set_dtr(int fd, int on) {
    int bits = TIOCM_DTR;
    return ioctl(fd, on ? TIOCMBIS : TIOCMBIC, &bits);
}

/* The major device number of a device id (st_rdev). */
static inline unsigned int trackerd_major(dev_t device) {
    return (unsigned int)major(device);
}

/* The hardware (RTS/CTS) flow-control bit of c_cflag. */
static inline tcflag_t trackerd_crtscts(void) {
#ifdef CRTSCTS
    return CRTSCTS;
#else
    return 0;
#endif
}

/* Writes the slave path of pseudo-terminal master `fd` into `buffer`; 0 or an errno.
 * Thread-safe where TIOCGPTN exists (Linux), unlike ptsname(3). */
static inline int trackerd_ptsname(int fd, char *buffer, size_t length) {
#ifdef TIOCGPTN
    unsigned int number = 0;
    if (ioctl(fd, TIOCGPTN, &number) != 0) return errno;
    int written = snprintf(buffer, length, "/dev/pts/%u", number);
    return (written < 0 || (size_t)written >= length) ? ERANGE : 0;
#else
    const char *name = ptsname(fd);
    if (name == NULL) return errno;
    if (strlen(name) >= length) return ERANGE;
    strcpy(buffer, name);
    return 0;
#endif
}

#endif
