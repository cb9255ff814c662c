/*
 * mhd: libmicrohttpd, opened when the server starts rather than when urne starts.
 *
 * Linked the usual way, libmicrohttpd and the GnuTLS stack behind it (nine shared
 * libraries) were loaded and relocated at the start of every urne command: 1.4 ms
 * that `urne results tally` paid on a national file it counts in 35 ms, and that
 * every other command paid for nothing. So the server calls the eleven functions it
 * uses through this table, filled by dlopen when `urne serve` starts; the types and
 * constants still come from microhttpd.h, checked by the compiler as before.
 */
#ifndef URNE_WEB_MHD_H
#define URNE_WEB_MHD_H

#include <stddef.h>

#include <microhttpd.h>

typedef struct urne_mhd {
    void *handle;
    struct MHD_Daemon *(*start_daemon)(unsigned int flags, uint16_t port, MHD_AcceptPolicyCallback apc,
                                       void *apc_cls, MHD_AccessHandlerCallback dh, void *dh_cls, ...);
    void (*stop_daemon)(struct MHD_Daemon *daemon);
    struct MHD_Response *(*create_response_from_buffer)(size_t size, void *buffer,
                                                        enum MHD_ResponseMemoryMode mode);
    enum MHD_Result (*add_response_header)(struct MHD_Response *response, const char *header,
                                           const char *content);
    enum MHD_Result (*queue_response)(struct MHD_Connection *connection, unsigned int status_code,
                                      struct MHD_Response *response);
    void (*destroy_response)(struct MHD_Response *response);
    const char *(*lookup_connection_value)(struct MHD_Connection *connection, enum MHD_ValueKind kind,
                                           const char *key);
    const union MHD_ConnectionInfo *(*get_connection_info)(struct MHD_Connection *connection,
                                                           enum MHD_ConnectionInfoType info_type, ...);
    /* The cache's responses: the body is shared, and crfc(buffer) releases it. */
    struct MHD_Response *(*create_response_from_buffer_with_free_callback)(size_t size, void *buffer,
                                                                          MHD_ContentReaderFreeCallback crfc);
    /* The live results (api.c): a body in many pieces, copied block by block into
     * the response's buffer as it is sent; crfc(crc_cls) when done with. */
    struct MHD_Response *(*create_response_from_callback)(uint64_t size, size_t block_size,
                                                          MHD_ContentReaderCallback crc, void *crc_cls,
                                                          MHD_ContentReaderFreeCallback crfc);
    /* Every header of a kind (X-Forwarded-For may come on several lines). */
    int (*get_connection_values)(struct MHD_Connection *connection, enum MHD_ValueKind kind,
                                 MHD_KeyValueIterator iterator, void *iterator_cls);
    /* A request that waits for its answer without holding a thread (a signature
     * waiting for its group's commit: initiative_routes.c). */
    void (*suspend_connection)(struct MHD_Connection *connection);
    void (*resume_connection)(struct MHD_Connection *connection);
} urne_mhd;

/* Open libmicrohttpd (the library this urne was built against, by its soname) and
 * fill *api. Returns 0, or -1 with the reason, one sentence, in why. */
int urne_mhd_open(urne_mhd *api, char *why, size_t size);

/* Close what urne_mhd_open opened. */
void urne_mhd_close(urne_mhd *api);

#endif
