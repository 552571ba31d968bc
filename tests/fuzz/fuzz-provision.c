/* fuzz-provision — POST /v1/provision's body (unauthenticated) and the provisioning file a kiosk
 * reads from a USB stick. */
#include "sync/protocol.h"
#include "tests/fuzz/fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *id = NULL, *server = NULL, *token = NULL;
    if (protocol_parse_provision((const char *)data, size, &id, NULL, &token, NULL)) {
        g_free(id);
        g_free(token);
    }
    if (protocol_parse_provision((const char *)data, size, &id, &server, &token, NULL)) {
        g_free(id);
        g_free(server);
        g_free(token);
    }
    return 0;
}
