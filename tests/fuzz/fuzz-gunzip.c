/* fuzz-gunzip — a gzip request body, inflated within a bound (zip bombs). */
#include "sync/protocol.h"
#include "tests/fuzz/fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GBytes *plain = protocol_gunzip(data, size, 1u << 20, NULL);
    if (plain)
        g_bytes_unref(plain);
    return 0;
}
