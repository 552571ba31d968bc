/* fuzz-audit — the receiver's POST /v1/audit body (hash chain checked as it is read). */
#include "sync/protocol.h"
#include "tests/fuzz/fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(GError) error = NULL;
    GPtrArray *rows = protocol_parse_audit((const char *)data, size, "multan-1", &error);
    if (rows)
        g_ptr_array_unref(rows);
    return 0;
}
