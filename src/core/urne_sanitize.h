/*
 * urne_sanitize: whether this build runs under AddressSanitizer, said once.
 *
 * A few places size things differently under ASan: memory it must check block
 * by block (urne_mem.c takes every block from the heap, a mapping being
 * addressable to its last page), and stacks and pools its redzones and
 * quarantine make larger (server.c's connection memory). gcc says so with
 * __SANITIZE_ADDRESS__, clang with __has_feature(address_sanitizer); this
 * header turns both into one macro, URNE_ASAN, 1 or 0, so that those places
 * read `#if URNE_ASAN` and the test of the two compilers lives here alone.
 */
#ifndef URNE_SANITIZE_H
#define URNE_SANITIZE_H

#if defined(__SANITIZE_ADDRESS__)
#define URNE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define URNE_ASAN 1
#endif
#endif
#ifndef URNE_ASAN
#define URNE_ASAN 0
#endif

#endif
