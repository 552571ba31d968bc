/* fuzz-replies — the kiosk's view of what a server answers: acknowledgements of a push, an error
 * body, the reply to its enrollments. A bad or hijacked server must not crash a kiosk. */
#include "sync/protocol.h"
#include "tests/fuzz/fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *body = (const char *)data;
    GHashTable *acked = protocol_parse_acks(body, size, NULL);
    if (acked)
        g_hash_table_unref(acked);
    g_free(protocol_parse_error(body, size));
    GPtrArray *refused = protocol_parse_enrollments_reply(body, size, NULL);
    if (refused)
        g_ptr_array_unref(refused);
    return 0;
}
