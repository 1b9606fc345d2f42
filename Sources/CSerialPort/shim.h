#ifndef TRACKERD_CSERIALPORT_SHIM_H
#define TRACKERD_CSERIALPORT_SHIM_H
#include <libserialport.h>
#include "termios_shim.h"
#endif
