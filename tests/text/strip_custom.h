/* strip_custom.h — a binary module without its custom sections, for the
 * text tests that compare binaries "custom sections aside". */
#ifndef STRIP_CUSTOM_H
#define STRIP_CUSTOM_H

#include <stddef.h>
#include <stdint.h>

/* Drops every custom section of the module in p[0..len) in place; returns
 * the new length (len unchanged if the section framing is malformed). */
size_t strip_custom(uint8_t *p, size_t len);

#endif /* STRIP_CUSTOM_H */
