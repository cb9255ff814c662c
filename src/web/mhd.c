/*
 * mhd: see mhd.h. URNE_MHD_SONAME comes from the build (CMake reads it off the
 * library it found), so the library opened is the one the headers describe.
 */
#include "mhd.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#ifndef URNE_MHD_SONAME
#define URNE_MHD_SONAME "libmicrohttpd.so.12"
#endif

int urne_mhd_open(urne_mhd *api, char *why, size_t size) {
    memset(api, 0, sizeof *api);
    api->handle = dlopen(URNE_MHD_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (api->handle == NULL) {
        snprintf(why, size, "cannot load %s (install Debian's libmicrohttpd12): %s", URNE_MHD_SONAME, dlerror());
        return -1;
    }
    /* dlsym returns void *; POSIX guarantees it converts to a function pointer. */
    struct {
        const char *name;
        void **slot;
    } fns[] = {
        {"MHD_start_daemon", (void **)&api->start_daemon},
        {"MHD_stop_daemon", (void **)&api->stop_daemon},
        {"MHD_create_response_from_buffer", (void **)&api->create_response_from_buffer},
        {"MHD_add_response_header", (void **)&api->add_response_header},
        {"MHD_queue_response", (void **)&api->queue_response},
        {"MHD_destroy_response", (void **)&api->destroy_response},
        {"MHD_lookup_connection_value", (void **)&api->lookup_connection_value},
        {"MHD_get_connection_info", (void **)&api->get_connection_info},
        {"MHD_create_response_from_buffer_with_free_callback",
         (void **)&api->create_response_from_buffer_with_free_callback},
        {"MHD_get_connection_values", (void **)&api->get_connection_values},
        {"MHD_create_response_from_callback", (void **)&api->create_response_from_callback},
        {"MHD_suspend_connection", (void **)&api->suspend_connection},
        {"MHD_resume_connection", (void **)&api->resume_connection},
    };
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        *fns[i].slot = dlsym(api->handle, fns[i].name);
        if (*fns[i].slot == NULL) {
            snprintf(why, size, "%s has no %s: not the libmicrohttpd urne was built for", URNE_MHD_SONAME,
                     fns[i].name);
            urne_mhd_close(api);
            return -1;
        }
    }
    return 0;
}

void urne_mhd_close(urne_mhd *api) {
    if (api->handle) dlclose(api->handle);
    memset(api, 0, sizeof *api);
}
