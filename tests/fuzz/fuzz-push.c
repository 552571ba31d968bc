/* fuzz-push — the receiver's POST /v1/events body (protocol_parse_push). */
#include "sync/protocol.h"
#include "tests/fuzz/fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(GError) error = NULL;
    GArray *offsets = NULL;
    GPtrArray *events = protocol_parse_push((const char *)data, size, "multan-1", &offsets, &error);
    if (events) {
        g_ptr_array_unref(events);
        g_array_unref(offsets);
    }
    return 0;
}
